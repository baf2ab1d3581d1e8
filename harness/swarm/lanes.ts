/**
 * The report's lanes on a swarm: one per task, not per service. Each entry a task produced is
 * shown under its lane (`server@node1`, `server@node1#2` for its replacement); a fault on a
 * service is drawn on the lane of the task that was current then, and a fault on a node on
 * every lane of a task on that node. Pure: a relabelled copy of the entries.
 */
import type { TimelineEntry } from '../run/timeline.js';

interface LaneStart {
  readonly lane: string;
  readonly at: number;
}

export function laneEntries(entries: readonly TimelineEntry[], laneOf: ReadonlyMap<number, string>, nodes: readonly string[]): TimelineEntry[] {
  const starts = new Map<string, LaneStart[]>();
  for (const e of entries) {
    const lane = laneOf.get(e.seq);
    if (lane === undefined) continue;
    const list = starts.get(e.source) ?? [];
    if (!list.some((s) => s.lane === lane)) list.push({ lane, at: e.at });
    starts.set(e.source, list);
  }
  const allLanes = [...starts.values()].flat().map((s) => s.lane);
  const laneAt = (service: string, at: number): string[] => {
    const list = starts.get(service);
    if (!list || list.length === 0) return [service];
    const before = list.filter((s) => s.at <= at);
    return [(before[before.length - 1] ?? (list[0] as LaneStart)).lane];
  };
  const targetLanes = (target: string, at: number): string[] =>
    nodes.includes(target) ? allLanes.filter((lane) => lane.endsWith(`@${target}`) || lane.includes(`@${target}#`)) : laneAt(target, at);
  return entries.map((e) => {
    const lane = laneOf.get(e.seq);
    if (lane !== undefined) return { ...e, source: lane };
    if (e.targets === undefined) return e;
    return { ...e, targets: [...new Set(e.targets.flatMap((t) => targetLanes(t, e.at)))] };
  });
}
