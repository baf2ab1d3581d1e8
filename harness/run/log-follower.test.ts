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
