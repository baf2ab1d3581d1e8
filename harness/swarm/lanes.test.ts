import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../run/timeline.js';
import { laneEntries } from './lanes.js';

let seq = 0;
const entry = (source: string, at: number, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({ seq: seq++, at, source, kind: 'log', text: `${source} at ${at}`, event: undefined, ...extra });

describe('report lanes on a swarm', () => {
  const first = entry('server', 1);
  const client = entry('client1', 2);
  const crash = entry('harness', 3, { kind: 'fault', targets: ['server'], faultId: 1 });
  const second = entry('server', 4);
  const cut = entry('harness', 5, { kind: 'fault', targets: ['node2'], faultId: 2 });
  const laneOf = new Map([
    [first.seq, 'server@node1'],
    [client.seq, 'client1@node2'],
    [second.seq, 'server@node1#2'],
  ]);
  const out = laneEntries([first, client, crash, second, cut], laneOf, ['node1', 'node2']);

  it('puts each task entry in its own lane, named after its service and node', () => {
    expect(out.map((e) => e.source)).toEqual(['server@node1', 'client1@node2', 'harness', 'server@node1#2', 'harness']);
  });

  it('draws a fault on a service on the lane of the task current then', () => {
    expect(out[2]?.targets).toEqual(['server@node1']);
  });

  it('draws a fault on a node on every lane of a task on that node', () => {
    expect(out[4]?.targets).toEqual(['client1@node2']);
  });

  it('leaves the original entries as they were', () => {
    expect(first.source).toBe('server');
    expect(crash.targets).toEqual(['server']);
  });
});
