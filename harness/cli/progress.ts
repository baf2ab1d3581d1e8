/**
 * Live progress of a run, from its timeline: per agency the bets sent out of its file's total
 * (the clients' `apuestas_enviadas` lines, detail `enviadas`), its winners and its exit; the
 * draw; and a line for each fault and heal (the nemesis's). The state and its rendering are
 * pure functions of the entries; ProgressView only feeds them and writes: redrawn in place on a
 * TTY (fault lines printed above the block), a few plain lines otherwise.
 */
import type { TimelineEntry } from '../run/timeline.js';

export interface AgencyProgress {
  readonly agency: number;
  readonly service: string;
  /** Bets in the agency's file, when known. */
  readonly total: number | undefined;
  readonly sent: number;
  readonly connected: boolean;
  readonly winners: number | undefined;
  readonly exitCode: number | undefined;
}

export interface DrawProgress {
  readonly at: number;
  readonly bets: number | undefined;
  readonly winners: number | undefined;
}

export interface ProgressState {
  readonly agencies: readonly AgencyProgress[];
  readonly draw: DrawProgress | undefined;
  readonly failLines: number;
}

export function initialProgress(agencies: readonly { agency: number; service: string; total: number | undefined }[]): ProgressState {
  return {
    agencies: agencies.map((a) => ({ ...a, sent: 0, connected: false, winners: undefined, exitCode: undefined })),
    draw: undefined,
    failLines: 0,
  };
}

function numberDetail(entry: TimelineEntry, key: string): number | undefined {
  const text = entry.event?.details[key];
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function agencyUpdate(before: AgencyProgress, entry: TimelineEntry): AgencyProgress {
  if (entry.kind === 'exit') return { ...before, exitCode: entry.exitCode };
  // A log line after an exit: the container was started again (a fault's heal).
  const a = before.exitCode !== undefined && entry.kind === 'log' ? { ...before, exitCode: undefined } : before;
  const event = entry.event;
  if (!event || event.result !== 'success') return a;
  switch (event.action) {
    case 'connect':
      return a.connected ? a : { ...a, connected: true };
    case 'apuestas_enviadas': {
      const sent = numberDetail(entry, 'enviadas');
      return sent === undefined ? a : { ...a, sent: Math.max(a.sent, sent) };
    }
    case 'consulta_ganadores':
      return { ...a, winners: numberDetail(entry, 'cant_ganadores') };
    case 'client_finished': {
      const sent = numberDetail(entry, 'apuestas');
      return sent === undefined ? a : { ...a, sent };
    }
    default:
      return a;
  }
}

/** The state after one more timeline entry (the same object when nothing changed). */
export function applyEntry(state: ProgressState, entry: TimelineEntry): ProgressState {
  let next = state;
  if (entry.kind === 'log' && entry.event?.result === 'fail') next = { ...next, failLines: next.failLines + 1 };
  if (entry.source === 'server') {
    const e = entry.event;
    if (e?.action === 'sorteo' && e.result === 'success' && !next.draw) {
      next = { ...next, draw: { at: entry.at, bets: numberDetail(entry, 'apuestas'), winners: numberDetail(entry, 'ganadores') } };
    }
    return next;
  }
  const i = next.agencies.findIndex((a) => a.service === entry.source);
  const before = next.agencies[i];
  if (!before) return next;
  const after = agencyUpdate(before, entry);
  if (after === before) return next;
  const agencies = [...next.agencies];
  agencies[i] = after;
  return { ...next, agencies };
}

export function reduceEntries(state: ProgressState, entries: readonly TimelineEntry[]): ProgressState {
  return entries.reduce(applyEntry, state);
}

const grouped = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => grouped.format(n);

function bar(done: number, total: number | undefined, width: number): string {
  if (total === undefined || total <= 0) return `[${'?'.repeat(width)}]`;
  const filled = Math.min(width, Math.floor((done / total) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function agencyLine(a: AgencyProgress, countWidth: number): string {
  const total = a.total === undefined ? '?' : formatCount(a.total);
  const pct = a.total ? `${String(Math.floor((a.sent / a.total) * 100)).padStart(3)}%` : '    ';
  const state =
    a.exitCode !== undefined
      ? `exited ${a.exitCode}`
      : a.winners !== undefined
        ? 'got its winners'
        : a.total !== undefined && a.sent >= a.total
          ? 'all sent'
          : a.connected || a.sent > 0
            ? 'sending'
            : 'starting';
  const winners = a.winners === undefined ? '' : `  winners ${a.winners}`;
  return `${a.service.padEnd(9)} ${bar(a.sent, a.total, 24)} ${formatCount(a.sent).padStart(countWidth)} / ${total.padStart(countWidth)} ${pct}  ${state}${winners}`;
}

function totalsLine(agencies: readonly AgencyProgress[]): string {
  const sent = agencies.reduce((n, a) => n + a.sent, 0);
  const known = agencies.every((a) => a.total !== undefined);
  const total = known ? agencies.reduce((n, a) => n + (a.total ?? 0), 0) : undefined;
  const allSent = agencies.filter((a) => a.total !== undefined && a.sent >= a.total).length;
  const of = total === undefined ? '' : ` / ${formatCount(total)}`;
  return `${agencies.length} agencies ${bar(sent, total, 24)} ${formatCount(sent)}${of} bets sent, ${allSent} agencies sent all`;
}

/**
 * The progress block: one line per agency (or one line for all of them when there are more
 * than `maxLines - 1`), then one for the draw.
 */
export function renderProgress(state: ProgressState, maxLines = Infinity): string[] {
  const countWidth = Math.max(1, ...state.agencies.map((a) => formatCount(a.total ?? a.sent).length));
  const lines = state.agencies.length + 1 <= maxLines ? state.agencies.map((a) => agencyLine(a, countWidth)) : [totalsLine(state.agencies)];
  const done = state.agencies.filter((a) => a.exitCode !== undefined).length;
  const draw = state.draw
    ? `draw done${state.draw.bets === undefined ? '' : `: ${formatCount(state.draw.bets)} bets`}${state.draw.winners === undefined ? '' : `, ${state.draw.winners} winners`}`
    : 'draw pending';
  const fails = state.failLines > 0 ? `  (${state.failLines} "result: fail" lines)` : '';
  lines.push(`${draw}  ·  ${done}/${state.agencies.length} clients exited${fails}`);
  return lines;
}

/** Plain progress lines (no TTY) for what changed between two states: sent, draw, winners, exits. */
export function milestones(before: ProgressState, after: ProgressState): string[] {
  const sent: string[] = [];
  const winners: string[] = [];
  const exits: string[] = [];
  after.agencies.forEach((a, i) => {
    const b = before.agencies[i];
    if (!b) return;
    const allSent = (p: AgencyProgress): boolean => p.total !== undefined && p.sent >= p.total;
    if (allSent(a) && !allSent(b)) sent.push(`${a.service}: all ${formatCount(a.sent)} bets sent`);
    if (a.winners !== undefined && b.winners === undefined) winners.push(`${a.service}: ${a.winners} winners`);
    if (a.exitCode !== undefined && b.exitCode === undefined) exits.push(`${a.service}: exited with code ${a.exitCode}`);
  });
  const draw = after.draw && !before.draw ? [`server: draw done${after.draw.bets === undefined ? '' : ` (${formatCount(after.draw.bets)} bets)`}`] : [];
  return [...sent, ...draw, ...winners, ...exits];
}

/** Lines for the faults among `entries`: each fault and heal, and what the nemesis skipped. */
export function faultLines(entries: readonly TimelineEntry[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.kind === 'fault') lines.push(`fault: ${e.text}`);
    else if (e.kind === 'heal') lines.push(e.text);
    else if (e.kind === 'note' && e.text.startsWith('nemesis ')) lines.push(e.text);
  }
  return lines;
}

/** Where progress goes: stderr, usually. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  write(text: string): unknown;
}

/** Writes progress: in place on a TTY (cursor up, clear line), milestone lines otherwise. */
export class ProgressView {
  private state: ProgressState;
  private seen = 0;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly stream: ProgressStream,
    initial: ProgressState,
    private readonly mode: 'live' | 'plain' | 'off' = stream.isTTY ? 'live' : 'plain',
  ) {
    this.state = initial;
  }

  get current(): ProgressState {
    return this.state;
  }

  /** Reads new entries of `entries` (an append-only list) every `everyMs`. */
  follow(entries: readonly TimelineEntry[], everyMs = 150): void {
    if (this.mode === 'off') return;
    this.update(entries);
    this.timer = setInterval(() => this.update(entries), everyMs);
    this.timer.unref();
  }

  /** Takes in the entries not seen yet and shows what changed. */
  update(entries: readonly TimelineEntry[]): void {
    if (this.finished) return;
    const before = this.state;
    const fresh = entries.slice(this.seen);
    this.state = reduceEntries(this.state, fresh);
    this.seen = entries.length;
    const faults = faultLines(fresh);
    if (this.mode === 'live' && (this.state !== before || this.drawn === 0 || faults.length > 0)) this.redraw(faults);
    if (this.mode === 'plain') for (const line of [...faults, ...milestones(before, this.state)]) this.stream.write(`${line}\n`);
  }

  /** Stops following, after a last update; the last frame stays on screen. Later calls do nothing. */
  finish(entries?: readonly TimelineEntry[]): void {
    if (this.finished) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (entries && this.mode !== 'off') this.update(entries);
    this.finished = true;
  }

  /** Redraws the block; `above` are lines that stay, printed where the block was. */
  private redraw(above: readonly string[] = []): void {
    // A pseudo-terminal without a size says 0: take the usual 80 × 24 then.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const lines = renderProgress(this.state, Math.max(2, (this.stream.rows || 24) - 2)).map((l) => (l.length > width ? l.slice(0, width) : l));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    const kept = above.map((l) => (l.length > width ? l.slice(0, width) : l));
    this.stream.write(up + [...kept, ...lines].map((l) => `\x1b[2K${l}\n`).join(''));
    this.drawn = lines.length;
  }
}
