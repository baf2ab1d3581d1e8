/**
 * What a run command reports: the verdict (ok / why not), one JSON object (--json) and the
 * final table. Pure: built from the run's result, the dataset and the measured durations.
 */
import type { CheckResult } from '../checker/check-result.js';
import { describeCheck } from '../checker/set-checker.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { RunResult } from '../results/run-result.js';
import { EXIT_FAILED, EXIT_OK } from './cli-errors.js';
import { formatCount } from './progress.js';
import { maxOf } from '../../testbed/stats/stats.js';

/** Milliseconds; null when the phase did not happen (no draw with 0 clients, a failed run). */
export interface Durations {
  /** The whole command, from process start to after the clean-up. */
  readonly total: number | null;
  /** First agency connect → last winners answer (engine clock). */
  readonly system: number | null;
  readonly engineCheck: number | null;
  readonly images: number | null;
  readonly dataset: number | null;
  /** Network, server until it listens, clients started. */
  readonly startup: number | null;
  /** First agency connect → last stored batch. */
  readonly sending: number | null;
  /** Last stored batch → the draw. */
  readonly drawWait: number | null;
  /** The draw → last winners answer. */
  readonly winners: number | null;
  /** Clients started → every client exited. */
  readonly clients: number | null;
  /** SIGTERM to the server → its exit. */
  readonly serverStop: number | null;
  /** The exactly-once checker (it reads bets.csv once more). */
  readonly check: number | null;
  /** Removing the containers and the network. */
  readonly cleanup: number | null;
}

export interface AgencySummary {
  readonly agency: number;
  readonly service: string;
  readonly betsInFile: number | null;
  readonly betsSent: number | null;
  /** Winners the client logged; null when it never got an answer. */
  readonly winners: number | null;
  readonly expectedWinners: number | null;
  readonly winnersMatch: boolean | null;
  readonly exitCode: number | null;
}

/** The seeded fault schedule of a run (--nemesis / --seed). */
export interface NemesisSummary {
  readonly seed: number;
  /** Faults planned. */
  readonly faults: number;
  /** Faults fired and skipped (their target had stopped); null when the schedule broke off. */
  readonly fired: number | null;
  readonly skipped: number | null;
}

/** The exactly-once checker's verdict, for the JSON. */
export interface CheckerSummary {
  readonly valid: boolean;
  readonly acknowledged: number;
  readonly stored: number;
  readonly sets: { readonly lost: number; readonly missing: number; readonly unexpected: number; readonly duplicated: number };
  /** Names of the conditions that do not hold. */
  readonly failed: readonly string[];
}

export interface RunSummary {
  readonly ok: boolean;
  readonly exitCode: number;
  /** Why ok is false (empty when ok). */
  readonly reasons: readonly string[];
  /** Odd but not failing: server exit code, winners that differ from the dataset, … */
  readonly warnings: readonly string[];
  readonly runId: string | null;
  readonly clients: number;
  readonly dataset: { readonly description: string; readonly dir: string; readonly totalBets: number } | null;
  readonly batchMax: number | null;
  /** Every generated agency size times this. */
  readonly scale: number;
  readonly nemesis: NemesisSummary | null;
  readonly betsSent: number;
  readonly betsStored: number | null;
  readonly winners: Readonly<Record<string, readonly string[] | null>>;
  readonly draw: { readonly at: string; readonly bets: number | null; readonly winners: number | null } | null;
  readonly agencies: readonly AgencySummary[];
  readonly exitCodes: Readonly<Record<string, number | null>>;
  readonly durationsMs: Durations;
  readonly failLines: readonly string[];
  /** Null when the checker did not run (no clients, the run broke). */
  readonly checker: CheckerSummary | null;
}

export interface SummaryInput {
  readonly runId: string | undefined;
  readonly clients: number;
  readonly batchMax: number | undefined;
  readonly dataset: PreparedDataset | undefined;
  /** Undefined when it could not be collected (see errors). */
  readonly result: RunResult | undefined;
  readonly draw: { readonly at: number; readonly bets: number | undefined; readonly winners: number | undefined } | undefined;
  readonly durations: Durations;
  /** Defaults to 1. */
  readonly scale?: number;
  readonly nemesis?: NemesisSummary;
  /** The exactly-once checker's result; undefined when it did not run. */
  readonly check?: CheckResult;
  /** What went wrong while running (a timeout, bets.csv unreadable, …). */
  readonly errors: readonly string[];
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function checkerSummary(check: CheckResult): CheckerSummary {
  const count = (name: 'lost' | 'missing' | 'unexpected' | 'duplicated'): number => check.sets.find((s) => s.name === name)?.count ?? 0;
  return {
    valid: check.valid,
    acknowledged: check.acknowledged,
    stored: check.stored,
    sets: { lost: count('lost'), missing: count('missing'), unexpected: count('unexpected'), duplicated: count('duplicated') },
    failed: check.conditions.filter((c) => !c.ok).map((c) => c.name),
  };
}

function invalidReason(c: CheckerSummary): string {
  const sets = Object.entries(c.sets).filter(([, n]) => n > 0).map(([name, n]) => `${n} ${name}`);
  return `the exactly-once checker found the run INVALID (${[...sets, ...c.failed.map((f) => `not: ${f}`)].join('; ') || 'see its lines'})`;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const result = input.result;
  const reasons = [...input.errors];
  const warnings: string[] = [];
  const agencies: AgencySummary[] = (result?.agencies ?? []).map((a) => {
    const expected = input.dataset?.agencies.find((d) => d.agency === a.agency);
    const match = a.winners && expected ? sameList(a.winners, expected.winners) : undefined;
    return {
      agency: a.agency,
      service: a.service,
      betsInFile: orNull(expected?.bets),
      betsSent: orNull(a.betsSent),
      winners: a.winners ? a.winners.length : null,
      expectedWinners: expected ? expected.winners.length : null,
      winnersMatch: orNull(match),
      exitCode: orNull(a.exitCode),
    };
  });
  const betsSent = agencies.reduce((n, a) => n + (a.betsSent ?? 0), 0);
  for (const a of agencies) {
    if (a.exitCode === null) reasons.push(`${a.service} did not exit`);
    else if (a.exitCode !== 0) reasons.push(`${a.service} exited with code ${a.exitCode}`);
    if (a.betsSent === null) reasons.push(`${a.service} never reported the bets it sent`);
    else if (a.betsInFile !== null && a.betsSent !== a.betsInFile) warnings.push(`${a.service} sent ${a.betsSent} of the ${a.betsInFile} bets in its file`);
    if (a.winnersMatch === false) warnings.push(`${a.service}'s winners differ from the dataset's (${a.winners} logged, ${a.expectedWinners} expected)`);
    if (a.exitCode === 0 && a.winners === null) warnings.push(`${a.service} exited without logging its winners`);
  }
  const stored = result?.stored;
  if (stored && stored.lines !== betsSent) reasons.push(`bets.csv holds ${stored.lines} lines but the clients sent ${betsSent} bets`);
  if (stored && stored.malformed.length > 0) warnings.push(`bets.csv has ${stored.malformed.length} malformed rows (first at ${stored.malformed[0]?.at})`);
  if (stored?.tornTail) warnings.push('bets.csv ends in the middle of a row');
  if (result && result.serverExitCode !== 0) warnings.push(`the server ${result.serverExitCode === undefined ? 'did not exit' : `exited with code ${result.serverExitCode}`} after SIGTERM`);
  if (input.clients > 0 && result && !input.draw) warnings.push('the server never logged the draw');
  const checker = input.check ? checkerSummary(input.check) : null;
  if (checker && !checker.valid) reasons.push(invalidReason(checker));
  const exitCodes: Record<string, number | null> = {};
  for (const a of agencies) exitCodes[a.service] = a.exitCode;
  if (result) exitCodes.server = orNull(result.serverExitCode);
  const winners: Record<string, readonly string[] | null> = {};
  for (const a of result?.agencies ?? []) winners[String(a.agency)] = a.winners ? [...a.winners] : null;
  const ok = reasons.length === 0 && result !== undefined;
  return {
    ok,
    exitCode: ok ? EXIT_OK : EXIT_FAILED,
    reasons: ok || reasons.length > 0 ? reasons : ['the run produced no result'],
    warnings,
    runId: orNull(input.runId),
    clients: input.clients,
    dataset: input.dataset ? { description: input.dataset.description, dir: input.dataset.dir, totalBets: input.dataset.totalBets } : null,
    batchMax: orNull(input.batchMax),
    scale: input.scale ?? 1,
    nemesis: input.nemesis ?? null,
    betsSent,
    betsStored: stored ? stored.lines : null,
    winners,
    draw: input.draw ? { at: new Date(input.draw.at).toISOString(), bets: orNull(input.draw.bets), winners: orNull(input.draw.winners) } : null,
    agencies,
    exitCodes,
    durationsMs: input.durations,
    failLines: result?.failLines ?? [],
    checker,
  };
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]?.map((_, c) => maxOf(rows.map((r) => (r[c] ?? '').length)) ?? 0) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

const count = (n: number | null): string => (n === null ? '-' : formatCount(n));
export const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);

function firstDocs(docs: readonly string[] | null | undefined, max = 3): string {
  if (!docs || docs.length === 0) return '';
  return docs.slice(0, max).join(', ') + (docs.length > max ? ', …' : '');
}

function nemesisLine(n: NemesisSummary): string {
  const done = n.fired === null ? 'broke off' : `${n.fired} fired${n.skipped ? `, ${n.skipped} skipped (target not running)` : ''}`;
  return `nemesis:      seed ${n.seed}, ${n.faults} faults planned, ${done} (replay: --seed ${n.seed})`;
}

/**
 * The final report for a person: per agency, totals, the draw, the nemesis, the checker (its
 * lines when `check` is given), durations, the verdict.
 */
export function renderSummary(s: RunSummary, check?: CheckResult): string {
  const out: string[] = [];
  const rows: string[][] = [['agency', 'service', 'in file', 'sent', 'winners', 'exit', 'first winners']];
  for (const a of s.agencies) {
    const w = a.winners === null ? '-' : `${a.winners}${a.winnersMatch === false ? ` (expected ${a.expectedWinners})` : ''}`;
    rows.push([String(a.agency), a.service, count(a.betsInFile), count(a.betsSent), w, a.exitCode === null ? '-' : String(a.exitCode), firstDocs(s.winners[String(a.agency)])]);
  }
  const inFiles = s.agencies.every((a) => a.betsInFile !== null) ? s.agencies.reduce((n, a) => n + (a.betsInFile ?? 0), 0) : null;
  const totalWinners = s.agencies.reduce((n, a) => n + (a.winners ?? 0), 0);
  rows.push(['all', '', count(inFiles), formatCount(s.betsSent), String(totalWinners), '', '']);
  out.push(...table(rows, new Set([0, 2, 3, 4, 5])));
  out.push('');
  out.push(`bets stored:  ${count(s.betsStored)} lines in bets.csv (clients sent ${formatCount(s.betsSent)})`);
  out.push(
    `draw:         ${s.draw ? `${s.draw.at}${s.draw.bets === null ? '' : `, ${formatCount(s.draw.bets)} bets`}${s.draw.winners === null ? '' : `, ${s.draw.winners} winners`}` : 'none'}`,
  );
  out.push(`server:       exit code ${s.exitCodes.server ?? '-'} after SIGTERM`);
  if (s.nemesis) out.push(nemesisLine(s.nemesis));
  const d = s.durationsMs;
  out.push(`system:       ${seconds(d.system)} (first connect → last winners answer: sending ${seconds(d.sending)}, until the draw ${seconds(d.drawWait)}, winners ${seconds(d.winners)})`);
  out.push(
    `total:        ${seconds(d.total)} (engine ${seconds(d.engineCheck)}, images ${seconds(d.images)}, dataset ${seconds(d.dataset)}, start-up ${seconds(d.startup)}, clients ${seconds(d.clients)}, server stop ${seconds(d.serverStop)}, checker ${seconds(d.check)}, clean-up ${seconds(d.cleanup)})`,
  );
  if (s.failLines.length > 0) {
    out.push('', `"result: fail" lines (${s.failLines.length}):`);
    for (const line of s.failLines.slice(0, 20)) out.push(`  ${line}`);
    if (s.failLines.length > 20) out.push(`  … and ${s.failLines.length - 20} more`);
  }
  if (check) out.push('', describeCheck(check));
  else if (s.checker) out.push('', `checker: ${s.checker.valid ? 'VALID' : 'INVALID'} (${s.checker.acknowledged} acknowledged, ${s.checker.stored} stored)`);
  for (const w of s.warnings) out.push(`warning: ${w}`);
  out.push('');
  const checked = s.checker?.valid ? ', exactly once' : '';
  out.push(s.ok ? `OK: every client exited 0 and bets.csv holds the ${formatCount(s.betsSent)} bets sent${checked}` : `FAILED:\n${s.reasons.map((r) => `  - ${r}`).join('\n')}`);
  return `${out.join('\n')}\n`;
}
