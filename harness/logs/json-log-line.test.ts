import { describe, expect, it } from 'vitest';
import { parseJsonLogLine, parseLogEvent } from './json-log-line.js';

const record = '{"level":30,"time":1764621296123,"pid":1,"hostname":"c0ffee","agencia":1,"peer":"172.18.0.3:54478","action":"apuestas_enviadas","result":"success","cantidad":100,"enviadas":2600,"bytes":6123}';

describe('parseJsonLogLine', () => {
  it('reads a pino record into the same event as a course line: level name, ISO time, every other field a detail as text', () => {
    expect(parseJsonLogLine(record)).toEqual({
      time: '2025-12-01T20:34:56.123Z',
      level: 'INFO',
      action: 'apuestas_enviadas',
      result: 'success',
      details: { agencia: '1', peer: '172.18.0.3:54478', cantidad: '100', enviadas: '2600', bytes: '6123' },
    });
  });

  it('gives the same action, result and details as the course text of the same line', () => {
    const text = '2025-12-01T20:34:56.123Z INFO action: close | result: success | resource: connection | peer: 172.18.0.3\\x3a54478 | reason: a|b';
    const json = '{"level":30,"time":1764621296123,"peer":"172.18.0.3:54478","action":"close","result":"success","resource":"connection","reason":"a|b"}';
    const fromText = parseLogEvent(text.replace('a|b', 'a\\x7cb'));
    expect(parseLogEvent(json)).toEqual({ ...fromText, details: { peer: '172.18.0.3:54478', resource: 'connection', reason: 'a|b' } });
    expect(fromText?.details).toEqual({ resource: 'connection', peer: '172.18.0.3:54478', reason: 'a|b' });
  });

  it('maps pino\'s level numbers to the course names, and keeps booleans and strings as text', () => {
    const at = (level: number) => parseJsonLogLine(`{"level":${level},"time":0,"action":"a","result":"fail","repetida":true,"parte":"1/2"}`);
    expect([20, 30, 40, 50].map((l) => at(l)?.level)).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR']);
    expect(at(30)?.details).toEqual({ repetida: 'true', parte: '1/2' });
  });

  it('allows a compose prefix', () => {
    expect(parseJsonLogLine(`client1  | ${record}`)?.action).toBe('apuestas_enviadas');
  });

  it('is undefined for anything that is not a record of the system', () => {
    for (const line of ['', '{', '{}', '[1,2]', '{"msg":"hello"}', '{"action":"x"}', `${record} trailing`, 'Error: {boom}', 'action: x | result: success']) {
      expect(parseJsonLogLine(line), line).toBeUndefined();
    }
  });
});
