/**
 * `npm run sim`: the deterministic simulator's command line (options in cli/sim-options.ts).
 * A thin layer: it runs seeds (cli/sweep.ts) or one seed (a replay), shrinks what fails
 * (lottery/shrink.ts), writes the report; the one place that maps outcomes to exit codes.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { describeCheck } from '../harness/checker/set-checker.js';
import { timeDockerNemesis } from './cli/docker-nemesis.js';
import { parseSimOptions, SIM_USAGE, type SimOptions, SimUsageError } from './cli/sim-options.js';
import { parallelSweep } from './cli/parallel-sweep.js';
import { type SeedOutcome, sweep, type SweepSummary } from './cli/sweep.js';
import { fmtMs, type LotteryRunResult, type LotteryRunSpec, runLottery, specFromSeed } from './lottery/lottery-run.js';
import { describeSchedule } from './lottery/schedule.js';
import { shrink } from './lottery/shrink.js';
import { renderSimReport } from './lottery/sim-report.js';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** Failing seeds shrunk after a sweep: the first of each invariant broken, at most this many. */
const SHRINK_AT_MOST = 3;

const say = (line = '') => process.stdout.write(`${line}\n`);
const count = (n: number) => n.toLocaleString('en');

/** The command that replays `spec` exactly. */
function replayCommand(spec: LotteryRunSpec, defaults: SimOptions): string {
  const own = specFromSeed(spec.seed, { agencies: spec.agencies, bets: spec.bets, faults: defaults.faults });
  const parts = [`npm run sim -- --seed ${spec.seed}`];
  if (spec.agencies !== defaults.agencies) parts.push(`--agencies ${spec.agencies}`);
  if (spec.bets !== defaults.bets) parts.push(`--bets ${spec.bets}`);
  if (describeSchedule(own.faults) !== describeSchedule(spec.faults)) parts.push(`--schedule "${describeSchedule(spec.faults)}"`);
  else if (defaults.faults !== 4) parts.push(`--faults ${defaults.faults}`);
  return parts.join(' ');
}

function describeFailure(r: Pick<LotteryRunResult, 'spec' | 'violations'>, o: SimOptions): string[] {
  return [
    `FAILED seed ${r.spec.seed}: ${r.violations.map((v) => `${v.invariant}: ${v.detail}`).join(' ;; ')}`,
    `  schedule: ${describeSchedule(r.spec.faults)}`,
    `  replay: ${replayCommand(r.spec, o)}`,
  ];
}

async function shrinkAndSay(r: LotteryRunResult, o: SimOptions): Promise<void> {
  const invariant = (r.violations[0] as { invariant: string }).invariant;
  say(`shrinking seed ${r.spec.seed} (${invariant}): ${r.spec.agencies} agencies × ${r.spec.bets} bets, ${r.spec.faults.length} faults …`);
  const s = await shrink(r, invariant);
  say(`  shortest failing found in ${s.runs} runs (${(s.wallMs / 1000).toFixed(1)} s): ${s.spec.agencies} agencies × ${s.spec.bets} bets, ${s.spec.faults.length} faults: ${describeSchedule(s.spec.faults)}`);
  say(`  it breaks: ${s.result.violations.filter((v) => v.invariant === invariant).map((v) => `${v.invariant}: ${v.detail}`).join(' ;; ')}`);
  say(`  replay: ${replayCommand(s.spec, o)}`);
}

function checkTargets(spec: LotteryRunSpec): void {
  for (const f of spec.faults) {
    if (f.target !== 'server' && Number(f.target.slice('client'.length)) > spec.agencies) throw new SimUsageError(`the schedule hits ${f.target}, but the run has ${spec.agencies} agencies`);
  }
}

async function replay(o: SimOptions, seed: number): Promise<number> {
  const own = specFromSeed(seed, o);
  const spec: LotteryRunSpec = o.schedule ? { ...own, faults: o.schedule } : own;
  checkTargets(spec);
  const started = performance.now();
  const r = await runLottery(spec, { keepTrace: o.trace });
  const wall = performance.now() - started;
  say(`seed ${seed}: ${spec.agencies} agencies × ${spec.bets} bets; schedule: ${describeSchedule(spec.faults)}`);
  say(`trace hash: ${r.traceHash}`);
  say(`  ${count(r.events)} events, ${fmtMs(r.virtualMs)} virtual, ${wall.toFixed(0)} ms wall; faults fired ${r.faults.fired}, skipped ${r.faults.skipped}${r.excused > 0 ? `; ${r.excused} failed draw(s) under a disk fault left out` : ''}`);
  for (const l of describeCheck(r.check).split('\n')) say(`  ${l}`);
  if (o.trace) for (const l of r.trace ?? []) say(`  | ${l}`);
  if (o.report) {
    writeFileSync(o.report, renderSimReport(r));
    say(`report: ${o.report}`);
  }
  if (r.violations.length === 0) {
    say('every invariant held');
    return EXIT_OK;
  }
  for (const l of describeFailure(r, o)) say(l);
  say('  the trace up to the end:');
  for (const l of r.traceTail.slice(-15)) say(`  | ${l}`);
  if (o.shrink) await shrinkAndSay(r, o);
  return EXIT_FAILED;
}

/** The machine's 1-minute load average (others' work slows a sweep down: the figure is printed next to it). */
const load = () => loadavg()[0]?.toFixed(1) ?? '?';

function sayFigures(s: SweepSummary, o: SimOptions, loadBefore: string): void {
  const perS = s.runs / (s.wallMs / 1000);
  const where = s.workers === 0 ? 'in this process' : `in ${s.workers} worker process${s.workers === 1 ? '' : 'es'}`;
  say(`${count(s.runs)} runs (seeds ${o.from}…${o.from + s.runs - 1}, ${o.agencies} agencies × ${o.bets} bets, ${o.faults} faults each) in ${(s.wallMs / 1000).toFixed(1)} s ${where}: ${perS.toFixed(1)} runs/s, ${count(Math.round(perS * 60))} runs a minute (load average ${loadBefore} before, ${load()} after)`);
  say(`CPU time: ${(s.cpuMs / 1000).toFixed(1)} s in all (${(s.runs / (s.cpuMs / 1000)).toFixed(1)} runs per CPU-second${s.workers === 0 ? '' : `, ${s.workers} processes`})`);
  say(`schedules explored: ${count(s.distinctSchedules)} distinct fault schedules, ${count(s.distinctTraces)} distinct trace hashes; faults fired ${count(s.faultsFired)}, skipped ${count(s.faultsSkipped)} (target not running); ${count(s.events)} events`);
  if (s.excusedDraws > 0) say(`failed draws left out (under an injected disk fault, then redrawn after the restart): ${s.excusedDraws}`);
  say(s.failures.length === 0 ? 'failed: 0 (every invariant held in every run)' : `failed: ${s.failures.length} seed(s): ${s.failures.map((f) => f.spec.seed).join(', ')}`);
}

/** A sweep's failing run again, whole, in this process (a run is a pure function of its spec), to shrink it. */
async function rerun(f: SeedOutcome): Promise<LotteryRunResult> {
  const r = await runLottery(f.spec);
  if (r.traceHash !== f.traceHash) say(`  (seed ${f.spec.seed} ran again with trace hash ${r.traceHash}, not ${f.traceHash}: not deterministic)`);
  return r;
}

async function runSweep(o: SimOptions): Promise<number> {
  const loadBefore = load();
  say(`sim: seeds ${o.from}…${o.from + o.seeds - 1}, ${o.agencies} agencies × ${o.bets} bets, ${o.faults} faults each`);
  const so = { ...o, progress: process.stderr, onFailure: (r: SeedOutcome) => describeFailure(r, o).forEach((l) => say(l)) };
  const s = o.workers === 1 ? await sweep(so) : await parallelSweep(so, o.workers);
  sayFigures(s, o, loadBefore);
  if (o.shrink) {
    const seen = new Set<string>();
    for (const f of s.failures) {
      const invariant = f.violations[0]?.invariant ?? '';
      if (seen.has(invariant) || seen.size >= SHRINK_AT_MOST) continue;
      seen.add(invariant);
      const again = await rerun(f).catch((err: unknown) => {
        say(`  seed ${f.spec.seed} could not run again to shrink: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      if (again && again.violations.length > 0) await shrinkAndSay(again, o);
    }
  }
  if (o.dockerNemesis) {
    say('docker: one nemesis run of harness/run.mjs with the same shape, timed …');
    const d = await timeDockerNemesis(o.agencies, o.bets, o.faults, o.from);
    const simPerMin = (60_000 * s.runs) / s.wallMs;
    say(`docker: ${(d.wallMs / 1000).toFixed(1)} s for one run (exit ${d.exitCode}): ${(60_000 / d.wallMs).toFixed(1)} runs a minute`);
    say(`runs a minute: simulator ${count(Math.round(simPerMin))}, Docker nemesis ${(60_000 / d.wallMs).toFixed(1)} (${count(Math.round(simPerMin / (60_000 / d.wallMs)))}×)`);
    if (d.exitCode !== 0) for (const l of d.lastLines) say(`  docker | ${l}`);
  }
  return s.failures.length === 0 ? EXIT_OK : EXIT_FAILED;
}

async function main(argv: readonly string[]): Promise<number> {
  const o = parseSimOptions(argv);
  if (o.help) {
    say(SIM_USAGE);
    return EXIT_OK;
  }
  return o.seed === undefined ? runSweep(o) : replay(o, o.seed);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof SimUsageError) {
      process.stderr.write(`sim: ${err.message}\n\n${SIM_USAGE}\n`);
      process.exitCode = EXIT_USAGE;
    } else {
      process.stderr.write(`sim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT_FAILED;
    }
  },
);
