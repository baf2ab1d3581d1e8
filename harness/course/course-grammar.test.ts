import { describe, expect, it } from 'vitest';
import { parseCourseLine } from './course-grammar.js';

describe('parseCourseLine (the course grammar)', () => {
  it('reads source, action, result and details of a compose logs line', () => {
    expect(parseCourseLine('client1  | 2026-12-01T20:33:36.759Z INFO action: receive_message | result: success | client_id: 1 | msg: [CLIENT 1] Message N°1')).toEqual({
      kind: 'event',
      source: 'client1',
      time: Date.parse('2026-12-01T20:33:36.759Z'),
      action: 'receive_message',
      result: 'success',
      details: { client_id: '1', msg: '[CLIENT 1] Message N°1' },
    });
  });

  it('takes action and result after the last colon of their fields, and splits details at their last colon', () => {
    const e = parseCourseLine('server | x: y action: config | result : fail | a: b: c | server_address: server\\x3a12345 | novalue');
    expect(e).toMatchObject({ source: 'server', action: 'config', result: 'fail', details: { 'a: b': 'c', server_address: 'server\\x3a12345' }, time: undefined });
  });

  it('reads compose\'s exit lines, v1 and v2, with or without a prefix', () => {
    expect(parseCourseLine('client1 exited with code 0')).toEqual({ kind: 'exit', source: 'client1', code: 0, via: 'compose' });
    expect(parseCourseLine('server exited with code 137')).toEqual({ kind: 'exit', source: 'server', code: 137, via: 'compose' });
    expect(parseCourseLine('client2  | client2 exited with code 1')).toMatchObject({ kind: 'exit', source: 'client2', code: 1 });
  });

  it('an `exit` action is a container exit too: the name is reserved', () => {
    expect(parseCourseLine('client1 | t INFO action: exit | result: success | agencia: 1')).toEqual({ kind: 'exit', source: 'client1', code: 0, via: 'action' });
    expect(parseCourseLine('client1 | t ERROR action: exit | result: fail | error: x')).toMatchObject({ kind: 'exit', code: 1, via: 'action' });
  });

  it('ignores other lines: compose chatter, stack traces, a line without a result field', () => {
    for (const line of ['Attaching to client1, server', 'server | at Object.<anonymous> (/app/server.js:1:2)', 'server | action: x', '']) {
      expect(parseCourseLine(line), line).toBeUndefined();
    }
  });
});
