import { describe, expect, it } from 'vitest';
import { Timeline, TimelineClosedError, WaitTimeoutError } from './timeline.js';

const line = (action: string, result = 'success') => `2026-11-29T21:00:00.000Z INFO action: ${action} | result: ${result}`;

describe('Timeline', () => {
  it('answers a wait when the n-th matching entry arrives, not before', async () => {
    const t = new Timeline();
    let done = false;
    const wait = t.waitFor({ source: 'server', action: 'apuesta_recibida' }, 2).then((e) => {
      done = true;
      return e;
    });
    t.addLine('server', line('apuesta_recibida'));
    t.addLine('client1', line('apuesta_recibida'));
    await Promise.resolve();
    expect(done).toBe(false);
    t.addLine('server', line('apuesta_recibida'));
    expect((await wait).map((e) => e.seq)).toEqual([0, 2]);
  });

  it('filters by result, kind and a predicate, and by a source pattern', () => {
    const t = new Timeline();
    t.addLine('client1', line('connect', 'in_progress'));
    t.addLine('client2', line('connect'));
    t.add({ at: 0, source: 'client1', kind: 'exit', text: 'client1 exited with code 0', event: undefined, exitCode: 0 });
    expect(t.select({ source: /^client/, action: 'connect', result: 'success' })).toHaveLength(1);
    expect(t.select({ kind: 'exit', where: (e) => e.exitCode === 0 })).toHaveLength(1);
  });

  it('times out with a message saying what it waited for', async () => {
    const t = new Timeline();
    await expect(t.waitFor({ action: 'sorteo' }, 1, 20)).rejects.toThrow(WaitTimeoutError);
    await expect(t.waitFor({ action: 'sorteo' }, 1, 20)).rejects.toThrow(/action=sorteo/);
  });

  it('close() fails pending waits at once', async () => {
    const t = new Timeline();
    const wait = t.waitFor({ action: 'sorteo' }, 1, 60_000);
    t.close('every container exited');
    await expect(wait).rejects.toThrow(TimelineClosedError);
    await expect(t.waitFor({ action: 'sorteo' })).rejects.toThrow(/every container exited/);
  });

  it('uses the engine time of a line when given', () => {
    const t = new Timeline();
    expect(t.addLine('server', 'x', '2026-11-29T21:00:01.500000000Z').at).toBe(Date.parse('2026-11-29T21:00:01.500Z'));
  });
});
