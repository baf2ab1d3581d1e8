/**
 * Everything that happened in a run, in arrival order: every log line of every container,
 * exits, faults fired, notes. Waits are answered as entries arrive (no polling).
 */
import type { HarnessLogger } from '../logging/harness-logger.js';
import type { LogEvent } from '../logs/log-grammar.js';
import { parseLogEvent } from '../logs/json-log-line.js';

/** A fault entry marks an injection; its heal entry (same `faultId`) marks when it was undone. */
export type EntryKind = 'log' | 'exit' | 'fault' | 'heal' | 'note';

export interface TimelineEntry {
  readonly seq: number;
  /** Milliseconds since the epoch: the engine's timestamp for log lines, the harness clock otherwise. */
  readonly at: number;
  /** The service it came from (`server`, `client3`, `probe`…) or `harness`. */
  readonly source: string;
  readonly kind: EntryKind;
  readonly text: string;
  /** The parsed course log line, when the text is one. */
  readonly event: LogEvent | undefined;
  readonly exitCode?: number;
  /** Fault and heal entries: which fault (a heal names the fault it undoes). */
  readonly faultId?: number;
  /** Fault and heal entries: the services the fault hit. */
  readonly targets?: readonly string[];
}

/** Which entries a wait or a query is about. */
export interface EventFilter {
  readonly source?: string | RegExp;
  readonly kind?: EntryKind;
  readonly action?: string;
  readonly result?: string;
  readonly where?: (entry: TimelineEntry) => boolean;
}

export class TimelineClosedError extends Error {
  override readonly name = 'TimelineClosedError';
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

interface Waiter {
  readonly filter: EventFilter;
  readonly count: number;
  /** Entries matched so far: each new entry is tested once, never the whole list again. */
  readonly matched: TimelineEntry[];
  readonly resolve: (entries: TimelineEntry[]) => void;
  readonly reject: (err: Error) => void;
}

export function matches(entry: TimelineEntry, f: EventFilter): boolean {
  if (f.kind !== undefined && entry.kind !== f.kind) return false;
  if (f.source !== undefined && !(typeof f.source === 'string' ? entry.source === f.source : f.source.test(entry.source))) return false;
  if (f.action !== undefined && entry.event?.action !== f.action) return false;
  if (f.result !== undefined && entry.event?.result !== f.result) return false;
  return f.where === undefined || f.where(entry);
}

export function describeFilter(f: EventFilter): string {
  const parts = Object.entries({ source: f.source, kind: f.kind, action: f.action, result: f.result })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`);
  if (f.where) parts.push('where=…');
  return parts.join(' ') || 'any entry';
}

export class Timeline {
  private readonly list: TimelineEntry[] = [];
  private waiters: Waiter[] = [];
  private closedReason: string | undefined;

  /** Every entry but the system's own log lines (faults, heals, exits, notes) also goes to `logger`. */
  constructor(private readonly logger?: HarnessLogger) {}

  get entries(): readonly TimelineEntry[] {
    return this.list;
  }

  /** Adds a log line of `source`; `time` is the engine's RFC 3339 timestamp, if known. */
  addLine(source: string, text: string, time?: string): TimelineEntry {
    const at = time ? Date.parse(time) : Date.now();
    return this.add({ at: Number.isNaN(at) ? Date.now() : at, source, kind: 'log', text, event: parseLogEvent(text) });
  }

  add(entry: Omit<TimelineEntry, 'seq'>): TimelineEntry {
    const full: TimelineEntry = { ...entry, seq: this.list.length };
    this.list.push(full);
    if (full.kind !== 'log' && this.logger) {
      const { source, kind, faultId, targets, exitCode } = full;
      this.logger.info({ kind, source, faultId, targets, exitCode }, full.text);
    }
    if (this.waiters.length > 0) this.settle(full);
    return full;
  }

  select(filter: EventFilter): TimelineEntry[] {
    return this.list.filter((e) => matches(e, filter));
  }

  /** Resolves with the first `count` matching entries once they exist. */
  waitFor(filter: EventFilter, count = 1, timeoutMs = 60_000): Promise<TimelineEntry[]> {
    const now = this.select(filter);
    if (now.length >= count) return Promise.resolve(now.slice(0, count));
    if (this.closedReason) return Promise.reject(new TimelineClosedError(`${this.closedReason}; waited for ${count}× ${describeFilter(filter)}, saw ${now.length}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${count}× ${describeFilter(filter)} (saw ${this.select(filter).length})`));
      }, timeoutMs);
      const waiter: Waiter = {
        filter,
        count,
        matched: now,
        resolve: (entries) => {
          clearTimeout(timer);
          resolve(entries);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** No more entries will come: pending waits fail now instead of timing out. */
  close(reason: string): void {
    this.closedReason = reason;
    const pending = this.waiters;
    this.waiters = [];
    for (const w of pending) {
      w.reject(new TimelineClosedError(`${reason}; waited for ${w.count}× ${describeFilter(w.filter)}, saw ${this.select(w.filter).length}`));
    }
  }

  private settle(entry: TimelineEntry): void {
    this.waiters = this.waiters.filter((w) => {
      if (!matches(entry, w.filter)) return true;
      w.matched.push(entry);
      if (w.matched.length < w.count) return true;
      w.resolve(w.matched.slice(0, w.count));
      return false;
    });
  }
}
