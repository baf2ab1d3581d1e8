/**
 * `docker compose -f <file> logs -f`, read line by line while the system runs, as the course's
 * suite reads it: terminal escapes removed (compose 2.26 writes ESC[2K before every line), each
 * line parsed with the course grammar, kept with the time it arrived. Waits are answered as lines
 * arrive. What compose 2.26 does here, seen on this machine: it prints `<container> exited with
 * code N` only for a container that exits while `logs -f` follows it (one that exited before has
 * no such line); the last lines of a container that stops can be missing from the stream (they
 * are in `docker logs`); and a container that starts while `logs -f` runs is followed twice, its
 * lines printed twice (so `up -d` must return before following starts, as the course does it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type ComposeCli, plainText } from '../compose/compose-cli.js';
import { LineSplitter } from '../logs/line-splitter.js';
import { rejectAfter } from '../util/settle-within.js';
import { personEnv } from '../vitest/compose-by-hand.js';
import { type CourseEvent, type CourseExit, type CourseLine, parseCourseLine } from './course-grammar.js';

export interface SeenLine {
  /** Position in the stream, from 0. */
  readonly index: number;
  /** The line's own timestamp when it has one, else when it arrived (ms since the epoch). */
  readonly at: number;
  readonly text: string;
  readonly parsed: CourseLine | undefined;
}

export type SeenEvent = SeenLine & { readonly parsed: CourseEvent };
export type SeenExit = SeenLine & { readonly parsed: CourseExit };

export interface EventQuery {
  readonly source?: string | RegExp;
  readonly action?: string;
  readonly result?: string;
  readonly where?: (e: CourseEvent) => boolean;
}

export class FollowerEndedError extends Error {
  override readonly name = 'FollowerEndedError';
}

interface Waiter {
  readonly test: (l: SeenLine) => boolean;
  readonly count: number;
  /** Lines matched so far: each new line is tested once. */
  readonly matched: SeenLine[];
  readonly resolve: (lines: SeenLine[]) => void;
  readonly reject: (err: Error) => void;
}

const sourceMatches = (source: string, want: string | RegExp | undefined): boolean =>
  want === undefined || (typeof want === 'string' ? source === want : want.test(source));

export function isEvent(l: SeenLine, q: EventQuery = {}): l is SeenEvent {
  const p = l.parsed;
  if (p?.kind !== 'event' || !sourceMatches(p.source, q.source)) return false;
  if (q.action !== undefined && p.action !== q.action) return false;
  if (q.result !== undefined && p.result !== q.result) return false;
  return q.where === undefined || q.where(p);
}

export function isExit(l: SeenLine, source?: string | RegExp): l is SeenExit {
  return l.parsed?.kind === 'exit' && sourceMatches(l.parsed.source, source);
}

/** Lines of one container (`docker logs NAME`, no compose prefix) read with the same grammar. */
export function containerLines(name: string, texts: readonly string[]): SeenLine[] {
  return texts
    .map((t) => plainText(t))
    .filter((t) => t.trim() !== '')
    .map((text, index) => {
      const parsed = parseCourseLine(`${name} | ${text}`);
      return { index, at: parsed?.kind === 'event' && parsed.time !== undefined ? parsed.time : NaN, text, parsed };
    });
}

export class ComposeLogFollower {
  readonly lines: SeenLine[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly ended: Promise<number>;
  private done = false;
  private stopAt: number | undefined;

  private constructor(private readonly proc: ChildProcess) {
    const out = new LineSplitter();
    const err = new LineSplitter();
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk).forEach((l) => this.add(l)));
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk).forEach((l) => this.add(l)));
    this.ended = new Promise((resolve) =>
      proc.once('close', (code) => {
        for (const l of [...out.end(), ...err.end()]) this.add(l);
        this.done = true;
        for (const w of this.waiters) w.reject(new FollowerEndedError(`${this.describe()} ended (exit ${code}) before that; last lines:\n${this.tail()}`));
        this.waiters.clear();
        resolve(code ?? -1);
      }),
    );
  }

  /** Starts `<compose> -f <file> logs -f` in `cwd`. */
  static start(cli: ComposeCli, composeFile: string, cwd: string): ComposeLogFollower {
    const proc = spawn(cli.file, [...cli.prefix, '-f', composeFile, 'logs', '-f'], { cwd, env: personEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    return new ComposeLogFollower(proc);
  }

  private describe(): string {
    return 'compose logs -f';
  }

  private add(raw: string): void {
    const text = plainText(raw);
    if (text.trim() === '') return;
    const parsed = parseCourseLine(text);
    const at = parsed?.kind === 'event' && parsed.time !== undefined ? parsed.time : Date.now();
    const line: SeenLine = { index: this.lines.length, at, text, parsed };
    this.lines.push(line);
    for (const w of this.waiters) {
      if (!w.test(line)) continue;
      w.matched.push(line);
      if (w.matched.length >= w.count) {
        this.waiters.delete(w);
        w.resolve(w.matched);
      }
    }
  }

  events(q: EventQuery = {}): SeenEvent[] {
    return this.lines.filter((l): l is SeenEvent => isEvent(l, q));
  }

  exits(source?: string | RegExp): SeenExit[] {
    return this.lines.filter((l): l is SeenExit => isExit(l, source));
  }

  /** Resolves with the first `count` lines that pass `test` (already seen or still to come). */
  waitFor(test: (l: SeenLine) => boolean, count = 1, timeoutMs = 60_000, what = 'lines'): Promise<SeenLine[]> {
    const hits = this.lines.filter(test);
    if (hits.length >= count) return Promise.resolve(hits.slice(0, count));
    if (this.done) return Promise.reject(new FollowerEndedError(`${this.describe()} had ended with ${hits.length} of ${count} ${what}; last lines:\n${this.tail()}`));
    let waiter: Waiter | undefined;
    const matched = new Promise<SeenLine[]>((resolve, reject) => {
      waiter = { test, count, matched: hits, resolve, reject };
      this.waiters.add(waiter);
    });
    return rejectAfter(matched, timeoutMs, () => {
      if (waiter !== undefined) this.waiters.delete(waiter);
      return new Error(`timed out after ${timeoutMs} ms waiting for ${count} ${what} (${hits.length} seen); last lines:\n${this.tail()}`);
    });
  }

  waitForEvents(q: EventQuery, count = 1, timeoutMs = 60_000): Promise<SeenEvent[]> {
    return this.waitFor((l) => isEvent(l, q), count, timeoutMs, `${q.source ?? 'any'} ${q.action ?? 'event'}${q.result ? ` ${q.result}` : ''} lines`) as Promise<SeenEvent[]>;
  }

  /** Compose's `<source> exited with code N` line (or an `action: exit` line of `source`). */
  waitForExitLine(source: string, timeoutMs = 60_000): Promise<SeenExit> {
    return this.waitFor((l) => isExit(l, source), 1, timeoutMs, `exit of ${source}`).then((l) => l[0] as SeenExit);
  }

  /** The test is about to send its own stop: `result: fail` lines after this moment are allowed. */
  markStop(): void {
    this.stopAt ??= Date.now();
  }

  /** When the test sent its own stop, if it did. */
  get stoppedAt(): number | undefined {
    return this.stopAt;
  }

  /** Every `result: fail` line of `lines` (default: the stream), except those after the test's own stop (the course's rule). */
  failsBeforeStop(lines: readonly SeenLine[] = this.lines): SeenEvent[] {
    return lines.filter((l): l is SeenEvent => isEvent(l, { result: 'fail' })).filter((l) => this.stopAt === undefined || !(l.at >= this.stopAt));
  }

  tail(n = 15): string {
    return this.lines.slice(-n).map((l) => `  ${l.text}`).join('\n');
  }

  /** Stops following (compose keeps the containers as they are). */
  async close(): Promise<void> {
    if (!this.done) this.proc.kill('SIGTERM');
    await this.ended;
  }
}
