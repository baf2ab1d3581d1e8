import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { bound, escapeValue, formatLine, Logger, MemorySink, parseLevel, parseLogFormat, unescapeValue, type Level } from './logger.js';

const T = new Date('2024-05-06T07:08:09.123Z');
const clock = (): Date => T;

/** How the course's black-box tests read a line: split on `|`, then `key: value`. */
function parseLine(line: string): { time: string; level: string; fields: Record<string, string> } {
  const m = /^(\S+) (\S+) (.*)$/.exec(line);
  if (!m) throw new Error(`not a log line: ${line}`);
  const fields: Record<string, string> = {};
  for (const part of (m[3] as string).split(' | ')) {
    const at = part.indexOf(': ');
    fields[part.slice(0, at)] = unescapeValue(part.slice(at + 2));
  }
  return { time: m[1] as string, level: m[2] as string, fields };
}

describe('formatLine', () => {
  it('writes the course grammar exactly', () => {
    expect(formatLine(T, 'INFO', 'apuesta_enviada', 'success', { dni: '30904465', numero: 7574 })).toBe(
      '2024-05-06T07:08:09.123Z INFO action: apuesta_enviada | result: success | dni: 30904465 | numero: 7574',
    );
  });

  it('writes only action and result when there are no details', () => {
    expect(formatLine(T, 'ERROR', 'sorteo', 'fail', {})).toBe('2024-05-06T07:08:09.123Z ERROR action: sorteo | result: fail');
  });

  it('keeps the order of details, prints booleans and numbers, and leaves out undefined values', () => {
    expect(formatLine(T, 'DEBUG', 'x', 'in_progress', { b: true, a: 0, skipped: undefined, z: 'last' })).toBe(
      '2024-05-06T07:08:09.123Z DEBUG action: x | result: in_progress | b: true | a: 0 | z: last',
    );
  });

  it('escapes values so the line has no extra | and no line break, and unescaping gives them back', () => {
    const nasty = 'a|b\nc\r\nd\\e \\x7c |';
    const line = formatLine(T, 'WARNING', 'act|ion', 'fail', { msg: nasty, path: 'C:\\dir\\n' });
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.split('|')).toHaveLength(4); // action, result, msg, path: three separators
    const parsed = parseLine(line);
    expect(parsed).toEqual({
      time: T.toISOString(),
      level: 'WARNING',
      fields: { action: 'act|ion', result: 'fail', msg: nasty, path: 'C:\\dir\\n' },
    });
  });
});

describe('escapeValue / unescapeValue', () => {
  it('leaves plain text alone', () => {
    expect(escapeValue('José Núñez, 7574 ok')).toBe('José Núñez, 7574 ok');
  });

  it('escapes colons, so a detail splits the same at its first or last colon', () => {
    expect(escapeValue('172.18.0.3:54478')).toBe('172.18.0.3\\x3a54478');
    expect(unescapeValue('172.18.0.3\\x3a54478')).toBe('172.18.0.3:54478');
  });

  it('escapes each special character', () => {
    expect(escapeValue('|')).toBe('\\x7c');
    expect(escapeValue('\n')).toBe('\\n');
    expect(escapeValue('\r')).toBe('\\r');
    expect(escapeValue('\\')).toBe('\\\\');
    expect(escapeValue(':')).toBe('\\x3a');
  });

  it('round-trips values that look like escapes already', () => {
    for (const v of ['\\n', '\\\\n', '\\x7c', '\\r\n', 'a\\', '\\\\', '|\\|', '\n\n\r|', '']) {
      const escaped = escapeValue(v);
      expect(escaped).not.toMatch(/[|\r\n]/);
      expect(unescapeValue(escaped), JSON.stringify(v)).toBe(v);
    }
  });

  it('round-trips every mix of the special characters up to length 4', () => {
    const alphabet = ['|', ':', '\n', '\r', '\\', 'n', 'x', '7', 'c', '3', 'a', 'r'];
    const check = (v: string): void => {
      const escaped = escapeValue(v);
      if (/[|:\r\n]/.test(escaped) || unescapeValue(escaped) !== v) expect(unescapeValue(escaped), JSON.stringify(v)).toBe(v);
      if (v.length < 4) for (const c of alphabet) check(v + c);
    };
    check('');
    expect(unescapeValue(escapeValue('x\\x7c|'))).toBe('x\\x7c|');
  });
});

describe('Logger', () => {
  function logger(level: Level, format: 'text' | 'json' = 'text'): { log: Logger; sink: MemorySink } {
    const sink = new MemorySink();
    return { log: new Logger(level, sink, format, clock), sink };
  }

  it('writes at and above its level, and drops what is below', () => {
    const { log, sink } = logger('INFO');
    log.debug('d', 'success');
    log.info('i', 'success');
    log.warn('w', 'in_progress');
    log.error('e', 'fail');
    expect(sink.lines.map((l) => parseLine(l).level)).toEqual(['INFO', 'WARNING', 'ERROR']);
    expect(sink.lines.map((l) => parseLine(l).fields.action)).toEqual(['i', 'w', 'e']);
  });

  it('writes everything at DEBUG and only errors at ERROR', () => {
    const debug = logger('DEBUG');
    const error = logger('ERROR');
    for (const { log } of [debug, error]) {
      log.debug('a', 'success');
      log.info('b', 'success');
      log.warn('c', 'success');
      log.error('d', 'fail');
    }
    expect(debug.sink.lines).toHaveLength(4);
    expect(error.sink.lines).toEqual(['2024-05-06T07:08:09.123Z ERROR action: d | result: fail']);
  });

  it('enabled() and withLevel() agree with what is written', () => {
    const { log, sink } = logger('WARNING');
    expect(log.enabled('INFO')).toBe(false);
    expect(log.enabled('WARNING')).toBe(true);
    expect(log.withLevel('DEBUG')).toBe(log);
    expect(log.currentLevel).toBe('DEBUG');
    expect(log.enabled('DEBUG')).toBe(true);
    log.debug('now', 'success', { k: 1 });
    expect(sink.lines).toEqual(['2024-05-06T07:08:09.123Z DEBUG action: now | result: success | k: 1']);
  });

  it('writes pino\'s own NDJSON in JSON mode: numeric level, epoch time, action, result and the details as fields', () => {
    const { log, sink } = logger('INFO', 'json');
    log.info('apuesta_recibida', 'success', { cantidad: 12, note: 'a|b\nc', gone: undefined });
    log.debug('hidden', 'success');
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).not.toMatch(/\n/);
    expect(JSON.parse(sink.lines[0] as string)).toEqual({
      level: 30,
      time: T.getTime(),
      pid: process.pid,
      hostname: hostname(),
      action: 'apuesta_recibida',
      result: 'success',
      cantidad: 12,
      note: 'a|b\nc',
    });
  });

  it('maps the course levels onto pino\'s', () => {
    const { log, sink } = logger('DEBUG', 'json');
    log.debug('a', 'success');
    log.info('b', 'success');
    log.warn('c', 'fail');
    log.error('d', 'fail');
    expect(sink.lines.map((l) => (JSON.parse(l) as { level: number }).level)).toEqual([20, 30, 40, 50]);
  });
});

describe('Logger.progress', () => {
  /** A sink that records whether each line asked to be written at once. */
  class UrgencySink extends MemorySink {
    readonly urgent: boolean[] = [];
    override write(line: string, urgent = false): void {
      super.write(line);
      this.urgent.push(urgent);
    }
  }

  it('writes the line info() writes, at INFO, in both formats, but lets it wait (not urgent); a bound child keeps that', () => {
    for (const format of ['text', 'json'] as const) {
      const sink = new UrgencySink();
      const log = new Logger('INFO', sink, format, clock).child({ agencia: 4 });
      log.progress('apuestas_enviadas', 'success', { cantidad: 100, agencia: bound, enviadas: 300 });
      log.info('apuestas_enviadas', 'success', { cantidad: 100, agencia: bound, enviadas: 300 });
      log.progress('apuestas_enviadas', 'success', { cantidad: 100, agencia: 5 });
      expect(sink.lines[0]).toBe(sink.lines[1]);
      expect(sink.urgent).toEqual([false, true, false]);
      if (format === 'text') expect(sink.lines[0]).toBe('2024-05-06T07:08:09.123Z INFO action: apuestas_enviadas | result: success | cantidad: 100 | agencia: 4 | enviadas: 300');
      else expect(JSON.parse(sink.lines[0] as string)).toMatchObject({ level: 30, agencia: 4, action: 'apuestas_enviadas', enviadas: 300 });
      expect(sink.lines[2]).toMatch(format === 'text' ? /agencia: 5$/ : /"agencia":5/);
    }
  });

  it('is off below INFO', () => {
    const sink = new UrgencySink();
    new Logger('WARNING', sink, 'text', clock).progress('apuestas_enviadas', 'success');
    expect(sink.lines).toEqual([]);
  });
});

describe('child loggers', () => {
  it('bind fields into every JSON record, once, and the course line shows them where a call names them with `bound`', () => {
    for (const format of ['text', 'json'] as const) {
      const sink = new MemorySink();
      const session = new Logger('INFO', sink, format, clock).child({ peer: '10.0.0.7:4000' });
      const agency = session.child({ agencia: 3 });
      session.info('conexion_aceptada', 'success', { peer: bound });
      agency.info('apuesta_recibida', 'success', { cantidad: 2, agencia: bound });
      agency.info('close', 'success', { resource: 'connection', peer: bound, agencia: bound, reason: 'peer closed' });
      session.info('close', 'success', { resource: 'connection', peer: bound, agencia: bound });
      if (format === 'text') {
        expect(sink.lines).toEqual([
          '2024-05-06T07:08:09.123Z INFO action: conexion_aceptada | result: success | peer: 10.0.0.7\\x3a4000',
          '2024-05-06T07:08:09.123Z INFO action: apuesta_recibida | result: success | cantidad: 2 | agencia: 3',
          '2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: connection | peer: 10.0.0.7\\x3a4000 | agencia: 3 | reason: peer closed',
          '2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: connection | peer: 10.0.0.7\\x3a4000',
        ]);
      } else {
        // Each key once (no duplicate from the marker), bindings first as pino writes them.
        expect(sink.lines[2]).toBe(
          `{"level":30,"time":${T.getTime()},"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"peer":"10.0.0.7:4000","agencia":3,"action":"close","result":"success","resource":"connection","reason":"peer closed"}`,
        );
        expect(JSON.parse(sink.lines[1] as string)).toMatchObject({ peer: '10.0.0.7:4000', agencia: 3, cantidad: 2 });
      }
    }
  });

  it('a detail named like a bound field is written once, with the detail\'s value (as the course line shows it), in JSON too', () => {
    for (const format of ['text', 'json'] as const) {
      const sink = new MemorySink();
      const agency = new Logger('INFO', sink, format, clock).child({ agencia: 3, peer: '10.0.0.7:4000' });
      agency.info('apuesta_recibida', 'fail', { cantidad: 2, agencia: 5, peer: bound });
      agency.info('apuesta_recibida', 'success', { cantidad: 1, agencia: bound });
      // A child that binds a key again: its value, once.
      agency.child({ agencia: 9 }).info('close', 'success', { agencia: bound });
      if (format === 'text') {
        expect(sink.lines.map((l) => l.slice(l.indexOf('action:')))).toEqual([
          'action: apuesta_recibida | result: fail | cantidad: 2 | agencia: 5 | peer: 10.0.0.7\\x3a4000',
          'action: apuesta_recibida | result: success | cantidad: 1 | agencia: 3',
          'action: close | result: success | agencia: 9',
        ]);
        continue;
      }
      for (const line of sink.lines) expect(line.match(/"agencia":/g), line).toHaveLength(1);
      expect(sink.lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
        { agencia: 5, peer: '10.0.0.7:4000', action: 'apuesta_recibida', result: 'fail', cantidad: 2 },
        { agencia: 3, peer: '10.0.0.7:4000', action: 'apuesta_recibida', result: 'success', cantidad: 1 },
        { agencia: 9, peer: '10.0.0.7:4000', action: 'close', result: 'success' },
      ]);
      for (const line of sink.lines) expect(line.match(/"peer":/g), line).toHaveLength(1);
    }
  });

  it('share the parent\'s level and output', () => {
    const sink = new MemorySink();
    const child = new Logger('WARNING', sink, 'text', clock).child({ k: 1 });
    child.info('quiet', 'success');
    child.warn('loud', 'fail');
    expect(sink.lines).toEqual(['2024-05-06T07:08:09.123Z WARNING action: loud | result: fail']);
  });
});

describe('a level that is off', () => {
  it('reads nothing of the call\'s details and writes nothing', () => {
    const sink = new MemorySink();
    const log = new Logger('INFO', sink, 'text', clock);
    let reads = 0;
    const details = {
      get dni(): string {
        reads++;
        return '1';
      },
    };
    for (let i = 0; i < 1000; i++) log.debug('apuesta_almacenada', 'success', details);
    expect(reads).toBe(0);
    expect(sink.lines).toEqual([]);
    log.withLevel('DEBUG').debug('apuesta_almacenada', 'success', details);
    expect(reads).toBe(1);
    expect(sink.lines).toHaveLength(1);
  });
});

describe('parseLevel / parseLogFormat', () => {
  it('accepts the spellings used in course configs', () => {
    expect(parseLevel('DEBUG')).toBe('DEBUG');
    expect(parseLevel('debug')).toBe('DEBUG');
    expect(parseLevel(' Info ')).toBe('INFO');
    expect(parseLevel('WARN')).toBe('WARNING');
    expect(parseLevel('warn')).toBe('WARNING');
    expect(parseLevel('warning')).toBe('WARNING');
    expect(parseLevel('error')).toBe('ERROR');
  });

  it('refuses unknown levels', () => {
    for (const bad of ['', 'verbose', 'TRACE', 'INFOO', 'fatal']) expect(() => parseLevel(bad), bad).toThrow(/unknown log level/);
  });

  it('reads LOG_FORMAT', () => {
    expect(parseLogFormat(undefined)).toBe('text');
    expect(parseLogFormat('')).toBe('text');
    expect(parseLogFormat('text')).toBe('text');
    expect(parseLogFormat('json')).toBe('json');
    expect(() => parseLogFormat('JSONL')).toThrow(/unknown LOG_FORMAT/);
  });
});
