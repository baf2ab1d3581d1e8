/**
 * The benchmark's logging comparison: the same system run with the old hand-written logger
 * (`before`) and with pino (`after`), at INFO (a line per batch) and at DEBUG (a line per bet),
 * both writing the course text to files; and what a call at a level that is off costs.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Level } from '../log/logger.js';
import { type LoggerImpl, type LogSetup, openBenchLogger } from './bench-loggers.js';
import { fmt, median } from '../../testbed/stats/stats.js';

export interface LogVariant {
  readonly name: string;
  readonly impl: LoggerImpl;
  readonly level: Level;
}

export const LOG_VARIANTS: readonly LogVariant[] = [
  { name: 'INFO before', impl: 'before', level: 'INFO' },
  { name: 'INFO after', impl: 'after', level: 'INFO' },
  { name: 'DEBUG before', impl: 'before', level: 'DEBUG' },
  { name: 'DEBUG after', impl: 'after', level: 'DEBUG' },
];

export interface SystemLogs {
  readonly server: LogSetup;
  readonly clients: LogSetup;
}

export function logsFor(v: LogVariant, dir: string): SystemLogs {
  return { server: { impl: v.impl, level: v.level, file: join(dir, 'server.log') }, clients: { impl: v.impl, level: v.level, file: join(dir, 'clients.log') } };
}

/** Lines in the run's two log files (then removed). */
export function countLines(logs: SystemLogs): number {
  let n = 0;
  for (const file of [logs.server.file, logs.clients.file]) {
    const text = readFileSync(file, 'latin1');
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    rmSync(file);
  }
  return n;
}

interface DebugLog {
  debug(action: string, result: 'success', details: { dni: string; numero: number }): void;
}

/** One loop per logger (three function literals): each call site sees one kind of logger only. */
const LOOPS: Record<LoggerImpl | 'empty function', (log: DebugLog, calls: number) => void> = {
  before: (log, calls) => {
    for (let i = 0; i < calls; i++) log.debug('apuesta_almacenada', 'success', { dni: '30904465', numero: i });
  },
  after: (log, calls) => {
    for (let i = 0; i < calls; i++) log.debug('apuesta_almacenada', 'success', { dni: '30904465', numero: i });
  },
  'empty function': (log, calls) => {
    for (let i = 0; i < calls; i++) log.debug('apuesta_almacenada', 'success', { dni: '30904465', numero: i });
  },
};

/** ns per `log.debug(…)` call at INFO, for each logger and for an empty function; nothing may be written. */
export function disabledLevelCost(dir: string, calls: number, runs: number): Record<LoggerImpl | 'empty function', number> {
  const out: Record<LoggerImpl | 'empty function', number[]> = { before: [], after: [], 'empty function': [] };
  const empty: DebugLog = { debug() {} };
  for (let r = -1; r < runs; r++) {
    for (const impl of ['before', 'after', 'empty function'] as const) {
      const file = join(dir, `disabled-${impl}.log`);
      const opened = impl === 'empty function' ? undefined : openBenchLogger({ impl, level: 'INFO', file });
      const t = performance.now();
      LOOPS[impl](opened?.log ?? empty, calls);
      const ns = ((performance.now() - t) * 1e6) / calls;
      opened?.close();
      if (opened && statSync(file).size !== 0) throw new Error(`${impl}: a disabled level wrote something`);
      if (opened) rmSync(file);
      if (r >= 0) out[impl].push(ns);
    }
  }
  return { before: median(out.before), after: median(out.after), 'empty function': median(out['empty function']) };
}

export function printLogging(timings: Record<string, number[]>, lines: Record<string, number>, floorMs: number, bets: number): void {
  const m = (name: string): number => median(timings[name] ?? []);
  const rate = (ms: number): number => bets / (ms / 1000);
  console.log('');
  console.log('logging, same run: before = the hand-written logger (one synchronous write per line), after = pino (this code); course text to files; clients on a worker thread');
  for (const level of ['INFO', 'DEBUG'] as const) {
    const before = m(`${level} before`);
    const after = m(`${level} after`);
    // Each run's before and after ran back to back: their ratio is steadier than the medians' on a busy machine.
    const paired = (timings[`${level} before`] ?? []).map((b, i) => b / (timings[`${level} after`]?.[i] ?? NaN));
    const what = level === 'INFO' ? 'a line per batch' : 'a line per bet';
    console.log(
      `  ${level} (${what}, ${fmt(lines[`${level} after`] ?? 0, 0)} lines a run): before ${fmt(before)} ms, ${fmt(rate(before), 0)} bets/s, ratio to floor ${fmt(before / floorMs, 2)}; ` +
        `after ${fmt(after)} ms, ${fmt(rate(after), 0)} bets/s, ratio to floor ${fmt(after / floorMs, 2)}`,
    );
    console.log(`    bets/s after / before, run by run: ${paired.map((r) => fmt(r, 2)).join(', ')}; median ${fmt(median(paired), 2)}`);
  }
}
