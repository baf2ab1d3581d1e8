/**
 * Faults as spans of time: each `fault` entry paired with the `heal` entry of the same fault
 * id (a fault never healed lasts until the end of the run). Pure.
 */
import type { TimelineEntry } from '../run/timeline.js';

export interface FaultSpan {
  /** The fault id as text (`seq-N` for a fault entry that carries no id). */
  readonly id: string;
  readonly text: string;
  /** The services it hit; empty when the entry names none (the band then covers every lane). */
  readonly targets: readonly string[];
  readonly start: number;
  /** When the heal entry came; undefined when the fault was never healed. */
  readonly heal: number | undefined;
}

/** Targets from the entry, or from the text the harness writes (`SIGKILL clients → client1, client2`). */
function targetsOf(entry: TimelineEntry): readonly string[] {
  if (entry.targets) return entry.targets;
  const arrow = entry.text.lastIndexOf('→');
  if (arrow < 0) return [];
  return entry.text
    .slice(arrow + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z0-9][\w.-]*$/.test(s));
}

interface MutableSpan {
  id: string;
  text: string;
  targets: readonly string[];
  start: number;
  heal: number | undefined;
}

/** The run's faults in the order they were fired, each with its heal time when it has one. */
export function faultSpans(entries: readonly TimelineEntry[]): FaultSpan[] {
  const spans: MutableSpan[] = [];
  const open = new Map<number, MutableSpan>();
  for (const e of entries) {
    if (e.kind === 'fault') {
      const span: MutableSpan = { id: e.faultId !== undefined ? String(e.faultId) : `seq-${e.seq}`, text: e.text, targets: targetsOf(e), start: e.at, heal: undefined };
      spans.push(span);
      if (e.faultId !== undefined) open.set(e.faultId, span);
    } else if (e.kind === 'heal' && e.faultId !== undefined) {
      const span = open.get(e.faultId);
      if (span) {
        span.heal = Math.max(e.at, span.start);
        open.delete(e.faultId);
      }
    }
  }
  return spans;
}
