import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';
import { numberDetail, parseExitLine, parseLogLine, unescapeValue } from './log-grammar.js';

describe('parseLogLine', () => {
  it('reads timestamp, level, action, result and details', () => {
    const e = parseLogLine('2026-11-29T20:56:57.951Z INFO action: consulta_ganadores | result: success | cant_ganadores: 4');
    expect(e).toEqual({
      time: '2026-11-29T20:56:57.951Z',
      level: 'INFO',
      action: 'consulta_ganadores',
      result: 'success',
      details: { cant_ganadores: '4' },
    });
  });

  it('takes action and result after the last colon of their parts (the timestamp has colons too)', () => {
    const e = parseLogLine('2026-11-29T20:56:57.951Z INFO action: sorteo | result: success');
    expect([e?.action, e?.result]).toEqual(['sorteo', 'success']);
  });

  it('splits a detail at its last colon, as the course does', () => {
    const e = parseLogLine('t INFO action: a | result: success | weird: key: 7');
    expect(e?.details).toEqual({ 'weird: key': '7' });
  });

  it("unescapes values as the README's table says, so a colon or a pipe in a value survives", () => {
    // Written by hand from the table: `:` is \x3a, `|` is \x7c, LF is \n.
    const line = '1970-01-01T00:00:00.000Z INFO action: close | result: success | peer: 172.18.0.3\\x3a54478 | note: a\\x7cb\\nc';
    expect(line.split('|')).toHaveLength(4);
    expect(parseLogLine(line)?.details).toEqual({ peer: '172.18.0.3:54478', note: 'a|b\nc' });
  });

  it('undoes every escape of the table once, left to right: an escaped backslash is not the start of another escape', () => {
    expect(unescapeValue('C\\\\x3a\\x3a')).toBe('C\\x3a:');
    expect(unescapeValue('a\\rb\\nc\\\\')).toBe('a\rb\nc\\');
    expect(unescapeValue('no escapes: 100%')).toBe('no escapes: 100%');
    expect(unescapeValue('\\t stays')).toBe('\\t stays');
  });

  it('reads lines with a compose prefix', () => {
    const e = parseLogLine('client3    | 2026-11-29T20:56:57.951Z INFO action: apuesta_enviada | result: success | dni: 00412345 | numero: 7574');
    expect(e).toMatchObject({ action: 'apuesta_enviada', details: { dni: '00412345', numero: '7574' } });
    expect(numberDetail(e!, 'numero')).toBe(7574);
  });

  it('reads the Python skeleton style without a timestamp', () => {
    expect(parseLogLine('action: test_echo_server | result: fail')).toMatchObject({ action: 'test_echo_server', result: 'fail', time: undefined });
  });

  it('ignores lines that are not in the grammar', () => {
    for (const line of ['', 'Error: boom', '    at foo (x.js:1:2)', 'action: x', 'action: x | nothing: y', 'Creating network "x"']) {
      expect(parseLogLine(line), line).toBeUndefined();
    }
  });
});

describe('parseExitLine', () => {
  it('reads compose exit lines, with or without a prefix', () => {
    expect(parseExitLine('client1 exited with code 0')).toEqual({ container: 'client1', code: 0 });
    expect(parseExitLine('server exited with code 137')).toEqual({ container: 'server', code: 137 });
    expect(parseExitLine('client2  | client2 exited with code 1')).toEqual({ container: 'client2', code: 1 });
    expect(parseExitLine('2026 INFO action: x | result: success')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('joins chunks into lines at every split point', () => {
    const text = 'one\r\ntwo\nthree';
    for (let i = 0; i <= text.length; i++) {
      const s = new LineSplitter();
      const lines = [...s.push(text.slice(0, i)), ...s.push(text.slice(i)), ...s.end()];
      expect(lines, `split at ${i}`).toEqual(['one', 'two', 'three']);
    }
  });
});
