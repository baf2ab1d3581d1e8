/**
 * The report's rows: one lane per container (every source but `harness`, plus any fault target),
 * ordered `server`, `client1…clientN` by number, then the rest in natural order; and the periods
 * each lane was down (from an exit to the next log line of the same source). Pure.
 */
import type { TimelineEntry } from '../run/timeline.js';

/** The harness's own entries (faults, notes) have this source; it gets no lane. */
export const HARNESS_SOURCE = 'harness';

export interface DownPeriod {
  readonly source: string;
  readonly start: number;
  readonly end: number;
  /** False when no log line of the source followed the exit (down until the end of the run). */
  readonly restarted: boolean;
  readonly exit: TimelineEntry;
}

function laneRank(name: string): [number, number] {
  // A swarm run names a lane after its task too: `server@node1`, `client3@node2#2`.
  if (/^server(@|$)/.test(name)) return [0, 0];
  const client = /^client(\d+)(@|$)/.exec(name);
  return client ? [1, Number(client[1])] : [2, 0];
}

/** `server` first, then `client1, client2, client10`, then others (`net-1`, `probe-1`, `probe-2`). */
export function compareLanes(a: string, b: string): number {
  const [ra, na] = laneRank(a);
  const [rb, nb] = laneRank(b);
  if (ra !== rb) return ra - rb;
  if (na !== nb) return na - nb;
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The lanes of a run: sources of its entries (but `harness`) and `extra` names (fault targets). */
export function laneNames(entries: readonly TimelineEntry[], extra: Iterable<string> = []): string[] {
  const names = new Set<string>();
  for (const e of entries) if (e.source !== HARNESS_SOURCE) names.add(e.source);
  for (const name of extra) if (name !== HARNESS_SOURCE) names.add(name);
  return [...names].sort(compareLanes);
}

/** Index of the last value in ascending `sorted` that is below `t`, or -1. */
function lastBelow(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * For each exit entry: the period until the next log line of the same source (by time), or
 * until `end` when none came. One pass over the entries, a binary search per log line.
 */
export function downPeriods(entries: readonly TimelineEntry[], end: number): DownPeriod[] {
  const exits = new Map<string, TimelineEntry[]>();
  for (const e of entries) {
    if (e.kind !== 'exit') continue;
    const list = exits.get(e.source);
    if (list) list.push(e);
    else exits.set(e.source, [e]);
  }
  if (exits.size === 0) return [];
  const times = new Map<string, number[]>();
  const nextLog = new Map<string, number[]>();
  for (const [source, list] of exits) {
    list.sort((a, b) => a.at - b.at || a.seq - b.seq);
    times.set(source, list.map((e) => e.at));
    nextLog.set(source, list.map(() => Infinity));
  }
  for (const e of entries) {
    if (e.kind !== 'log') continue;
    const t = times.get(e.source);
    if (!t) continue;
    const i = lastBelow(t, e.at);
    const next = nextLog.get(e.source) as number[];
    if (i >= 0 && e.at < (next[i] as number)) next[i] = e.at;
  }
  const periods: DownPeriod[] = [];
  for (const [source, list] of exits) {
    const next = nextLog.get(source) as number[];
    // A log line after a later exit also ends the earlier exit's period (suffix minimum).
    for (let i = next.length - 2; i >= 0; i--) next[i] = Math.min(next[i] as number, next[i + 1] as number);
    list.forEach((exit, i) => {
      const after = next[i] as number;
      const restarted = Number.isFinite(after);
      periods.push({ source, start: exit.at, end: restarted ? after : Math.max(end, exit.at), restarted, exit });
    });
  }
  return periods;
}
