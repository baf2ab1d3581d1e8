import { describe, expect, it } from 'vitest';
import { Timeline, type TimelineEntry } from '../run/timeline.js';
import { applyEntry, faultLines, initialProgress, milestones, ProgressView, reduceEntries, renderProgress } from './progress.js';

const T = '2026-01-01T00:00:00.000Z';

function line(timeline: Timeline, source: string, text: string): TimelineEntry {
  return timeline.addLine(source, `${T} INFO ${text}`, T);
}

function exit(timeline: Timeline, source: string, code: number): TimelineEntry {
  return timeline.add({ at: Date.now(), source, kind: 'exit', text: `${source} exited with code ${code}`, event: undefined, exitCode: code });
}

const two = () =>
  initialProgress([
    { agency: 1, service: 'client1', total: 250 },
    { agency: 2, service: 'client2', total: 100 },
  ]);

/** A whole run of two agencies, in the order the logs come. */
function wholeRun(): Timeline {
  const t = new Timeline();
  line(t, 'server', 'action: servidor_escuchando | result: success | port: 12345');
  line(t, 'client1', 'action: connect | result: success | server: server:12345');
  line(t, 'client1', 'action: apuestas_enviadas | result: success | cantidad: 100 | enviadas: 100 | bytes: 7000');
  line(t, 'client2', 'action: connect | result: success | server: server:12345');
  line(t, 'client2', 'action: apuestas_enviadas | result: success | cantidad: 100 | enviadas: 100 | bytes: 7000');
  line(t, 'client1', 'action: apuestas_enviadas | result: success | cantidad: 100 | enviadas: 200 | bytes: 7000');
  line(t, 'client1', 'action: apuestas_enviadas | result: success | cantidad: 50 | enviadas: 250 | bytes: 3500');
  line(t, 'server', 'action: sorteo | result: success | apuestas: 350 | ganadores: 3');
  line(t, 'client1', 'action: consulta_ganadores | result: success | cant_ganadores: 2');
  line(t, 'client2', 'action: consulta_ganadores | result: success | cant_ganadores: 1');
  line(t, 'client1', 'action: client_finished | result: success | agencia: 1 | apuestas: 250 | ganadores: 2');
  exit(t, 'client1', 0);
  line(t, 'client2', 'action: client_finished | result: success | agencia: 2 | apuestas: 100 | ganadores: 1');
  exit(t, 'client2', 0);
  return t;
}

describe('progress state', () => {
  it('follows bets sent, winners, exits and the draw from the timeline', () => {
    const state = reduceEntries(two(), wholeRun().entries);
    expect(state.agencies).toEqual([
      { agency: 1, service: 'client1', total: 250, sent: 250, connected: true, winners: 2, exitCode: 0 },
      { agency: 2, service: 'client2', total: 100, sent: 100, connected: true, winners: 1, exitCode: 0 },
    ]);
    expect(state.draw).toMatchObject({ bets: 350, winners: 3 });
    expect(state.failLines).toBe(0);
  });

  it('keeps the highest count sent (a restarted client counts again from its resume point)', () => {
    const t = new Timeline();
    line(t, 'client1', 'action: apuestas_enviadas | result: success | cantidad: 100 | enviadas: 200');
    line(t, 'client1', 'action: apuestas_enviadas | result: success | cantidad: 100 | enviadas: 100');
    expect(reduceEntries(two(), t.entries).agencies[0]?.sent).toBe(200);
  });

  it('returns the same object for entries that change nothing, and counts fail lines', () => {
    const t = new Timeline();
    const state = two();
    expect(applyEntry(state, line(t, 'client9', 'action: apuestas_enviadas | result: success | enviadas: 5'))).toBe(state);
    expect(applyEntry(state, line(t, 'client1', 'not a course line'))).toBe(state);
    const failed = applyEntry(state, line(t, 'client1', 'action: apuestas_enviadas | result: fail | cantidad: 100 | code: BAD'));
    expect(failed.failLines).toBe(1);
    expect(failed.agencies).toBe(state.agencies);
  });
});

describe('renderProgress', () => {
  it('shows a bar, sent / total and the state per agency, then the draw', () => {
    const t = new Timeline();
    line(t, 'client1', 'action: connect | result: success');
    line(t, 'client1', 'action: apuestas_enviadas | result: success | enviadas: 125');
    expect(renderProgress(reduceEntries(two(), t.entries))).toEqual([
      'client1   [############............] 125 / 250  50%  sending',
      'client2   [........................]   0 / 100   0%  starting',
      'draw pending  ·  0/2 clients exited',
    ]);
  });

  it('shows winners, exits and the draw at the end', () => {
    const lines = renderProgress(reduceEntries(two(), wholeRun().entries));
    expect(lines[0]).toBe('client1   [########################] 250 / 250 100%  exited 0  winners 2');
    expect(lines[2]).toBe('draw done: 350 bets, 3 winners  ·  2/2 clients exited');
  });

  it('groups thousands and copes with an unknown total', () => {
    const state = initialProgress([{ agency: 1, service: 'client1', total: undefined }]);
    const t = new Timeline();
    line(t, 'client1', 'action: apuestas_enviadas | result: success | enviadas: 12345');
    expect(renderProgress(reduceEntries(state, t.entries))[0]).toBe('client1   [????????????????????????] 12,345 /      ?       sending');
  });

  it('sums the agencies up in one line when they do not fit', () => {
    const lines = renderProgress(reduceEntries(two(), wholeRun().entries), 2);
    expect(lines).toEqual(['2 agencies [########################] 350 / 350 bets sent, 2 agencies sent all', 'draw done: 350 bets, 3 winners  ·  2/2 clients exited']);
  });
});

describe('milestones', () => {
  it('says, in order, who sent everything, the draw, the winners and the exits', () => {
    expect(milestones(two(), reduceEntries(two(), wholeRun().entries))).toEqual([
      'client1: all 250 bets sent',
      'client2: all 100 bets sent',
      'server: draw done (350 bets)',
      'client1: 2 winners',
      'client2: 1 winners',
      'client1: exited with code 0',
      'client2: exited with code 0',
    ]);
  });

  it('says nothing when nothing changed', () => {
    const s = reduceEntries(two(), wholeRun().entries);
    expect(milestones(s, s)).toEqual([]);
  });
});

class FakeStream {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
    readonly rows = 40,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** A crash of client2 and its heal, as faults.ts records them, and a skip by the nemesis. */
function faults(t: Timeline): void {
  const targets = ['client2'];
  t.add({ at: Date.now(), source: 'harness', kind: 'fault', text: 'crash client2 (SIGKILL, down 1500 ms) → client2', event: undefined, faultId: 1, targets });
  t.add({ at: Date.now(), source: 'harness', kind: 'heal', text: 'healed: crash client2 (SIGKILL, down 1500 ms) → client2', event: undefined, faultId: 1, targets });
  t.add({ at: Date.now(), source: 'harness', kind: 'note', text: 'nemesis skipped "pause client1 (1000 ms)": client1 is not running', event: undefined });
  t.add({ at: Date.now(), source: 'harness', kind: 'note', text: 'log stream of client1 failed: x', event: undefined });
}

describe('a restarted client', () => {
  it('is running again after a log line that follows its exit, and its final exit is said once more', () => {
    const t = new Timeline();
    line(t, 'client2', 'action: apuestas_enviadas | result: success | enviadas: 50');
    exit(t, 'client2', 137);
    const crashed = reduceEntries(two(), t.entries);
    expect(crashed.agencies[1]?.exitCode).toBe(137);
    line(t, 'client2', 'action: connect | result: success | server: server:12345');
    const again = reduceEntries(two(), t.entries);
    expect(again.agencies[1]).toMatchObject({ exitCode: undefined, sent: 50, connected: true });
    exit(t, 'client2', 0);
    expect(milestones(again, reduceEntries(two(), t.entries))).toEqual(['client2: exited with code 0']);
  });
});

describe('faultLines', () => {
  it('says each fault, each heal and what the nemesis skipped, nothing else', () => {
    const t = wholeRun();
    faults(t);
    expect(faultLines(t.entries)).toEqual([
      'fault: crash client2 (SIGKILL, down 1500 ms) → client2',
      'healed: crash client2 (SIGKILL, down 1500 ms) → client2',
      'nemesis skipped "pause client1 (1000 ms)": client1 is not running',
    ]);
  });
});

describe('ProgressView', () => {
  it('on a TTY redraws the block in place (cursor up, clear line)', () => {
    const stream = new FakeStream(true);
    const view = new ProgressView(stream, two());
    const t = new Timeline();
    view.update(t.entries);
    expect(stream.text).toBe('\x1b[2Kclient1   [........................]   0 / 250   0%  starting\n\x1b[2Kclient2   [........................]   0 / 100   0%  starting\n\x1b[2Kdraw pending  ·  0/2 clients exited\n');
    stream.text = '';
    line(t, 'client2', 'action: apuestas_enviadas | result: success | enviadas: 100');
    view.update(t.entries);
    expect(stream.text.startsWith('\x1b[3A\x1b[2Kclient1')).toBe(true);
    expect(stream.text).toContain('\x1b[2Kclient2   [########################] 100 / 100 100%  all sent\n');
    stream.text = '';
    view.update(t.entries);
    expect(stream.text).toBe('');
  });

  it('cuts lines to the terminal width', () => {
    const stream = new FakeStream(true, 30);
    new ProgressView(stream, two()).update([]);
    for (const l of stream.text.split('\n').filter(Boolean)) expect(l.replace('\x1b[2K', '').length).toBeLessThanOrEqual(29);
  });

  it('without a TTY writes plain milestone lines only', () => {
    const stream = new FakeStream(false);
    const view = new ProgressView(stream, two());
    view.finish(wholeRun().entries);
    expect(stream.text).not.toContain('\x1b');
    expect(stream.text.split('\n')).toContain('server: draw done (350 bets)');
  });

  it('writes nothing more once finished', () => {
    const stream = new FakeStream(false);
    const view = new ProgressView(stream, two());
    view.finish();
    view.finish(wholeRun().entries);
    view.update(wholeRun().entries);
    expect(stream.text).toBe('');
  });

  it('off writes nothing', () => {
    const stream = new FakeStream(true);
    const view = new ProgressView(stream, two(), 'off');
    view.follow(wholeRun().entries);
    view.finish(wholeRun().entries);
    expect(stream.text).toBe('');
  });

  it('without a TTY writes a line per fault and heal, in order with the milestones', () => {
    const stream = new FakeStream(false);
    const view = new ProgressView(stream, two());
    const t = new Timeline();
    faults(t);
    line(t, 'client2', 'action: apuestas_enviadas | result: success | enviadas: 100');
    view.update(t.entries);
    expect(stream.text.split('\n').slice(0, 4)).toEqual([
      'fault: crash client2 (SIGKILL, down 1500 ms) → client2',
      'healed: crash client2 (SIGKILL, down 1500 ms) → client2',
      'nemesis skipped "pause client1 (1000 ms)": client1 is not running',
      'client2: all 100 bets sent',
    ]);
  });

  it('on a TTY prints a fault where the block was, then the block again below it', () => {
    const stream = new FakeStream(true);
    const view = new ProgressView(stream, two());
    const t = new Timeline();
    view.update(t.entries);
    stream.text = '';
    t.add({ at: Date.now(), source: 'harness', kind: 'fault', text: 'pause server (1000 ms) → server', event: undefined, faultId: 1, targets: ['server'] });
    view.update(t.entries);
    expect(stream.text.startsWith('\x1b[3A\x1b[2Kfault: pause server (1000 ms) → server\n\x1b[2Kclient1')).toBe(true);
    expect(stream.text.endsWith('\x1b[2Kdraw pending  ·  0/2 clients exited\n')).toBe(true);
    stream.text = '';
    view.update(t.entries);
    expect(stream.text).toBe('');
  });
});
