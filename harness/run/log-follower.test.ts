import { describe, expect, it } from 'vitest';
import type { LogLine } from '../docker/docker-client.js';
import { LogFollower } from './log-follower.js';

async function* stream(lines: readonly LogLine[]): AsyncIterable<LogLine> {
  for (const l of lines) yield l;
}

const T1 = '2026-12-01T20:00:00.000000001Z';
const T2 = '2026-12-01T20:00:00.000000002Z';

describe('LogFollower', () => {
  it('keeps every line, also two stamped with the same instant', async () => {
    const got: string[] = [];
    const follower = new LogFollower((l) => got.push(l.text));
    await follower.follow(stream([{ time: T1, text: 'a' }, { time: T2, text: 'b' }, { time: T2, text: 'c' }]));
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('after a restart, reads the log again from its start and passes on only the lines past those it already gave', async () => {
    const got: string[] = [];
    const follower = new LogFollower((l) => got.push(l.text));
    const first: LogLine[] = [{ time: T1, text: 'a' }, { time: T2, text: 'b' }];
    await follower.follow(stream(first));
    // The restarted container logs its first line in the same instant as the last one before.
    await follower.follow(stream([...first, { time: T2, text: 'c' }, { time: T2, text: 'd' }]));
    expect(got).toEqual(['a', 'b', 'c', 'd']);
  });

  it('two streams read at once (the old one still draining) give each line once', async () => {
    const got: string[] = [];
    const follower = new LogFollower((l) => got.push(l.text));
    const lines: LogLine[] = ['a', 'b', 'c', 'd'].map((text) => ({ time: T1, text }));
    await Promise.all([follower.follow(stream(lines.slice(0, 3))), follower.follow(stream(lines))]);
    expect(got).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('LogFollower.catchUp (the log tail read at an exit)', () => {
  const at = (n: number): string => `2026-12-01T20:00:00.${String(n).padStart(9, '0')}Z`;
  const lines = (from: number, to: number): LogLine[] => Array.from({ length: to - from }, (_, i) => ({ time: at(from + i), text: `line ${from + i}` }));

  it('passes on the lines of the tail past the last ones given', async () => {
    const got: string[] = [];
    const follower = new LogFollower((l) => got.push(l.text));
    await follower.follow(stream(lines(0, 10)));
    expect(follower.catchUp(lines(6, 14), 8)).toBe(true);
    expect(got).toEqual(lines(0, 14).map((l) => l.text));
  });

  it('gives nothing twice when the follow stream had everything', async () => {
    const got: string[] = [];
    const follower = new LogFollower((l) => got.push(l.text));
    await follower.follow(stream(lines(0, 10)));
    expect(follower.catchUp(lines(2, 10), 8)).toBe(true);
    expect(got).toHaveLength(10);
  });

  it('cannot join a tail that starts after the last line given (more lines missing than it holds)', async () => {
    const follower = new LogFollower(() => {});
    await follower.follow(stream(lines(0, 10)));
    expect(follower.catchUp(lines(12, 20), 8)).toBe(false);
  });

  it('will not guess where a tail of lines that repeat (same instant, same text) joins', async () => {
    const follower = new LogFollower(() => {});
    const log = Array.from({ length: 12 }, (_, i): LogLine => ({ time: T1, text: `x${i % 2}` }));
    await follower.follow(stream(log.slice(0, 8)));
    expect(follower.catchUp(log.slice(4), 8)).toBe(false);
  });

  it('takes a short log whole when nothing was given yet, and a full tail of it only by reading everything', () => {
    const got: string[] = [];
    const follower = new LogFollower((l) => got.push(l.text));
    expect(new LogFollower(() => {}).catchUp(lines(0, 8), 8)).toBe(false);
    expect(follower.catchUp(lines(0, 3), 8)).toBe(true);
    expect(got).toEqual(['line 0', 'line 1', 'line 2']);
  });
});
