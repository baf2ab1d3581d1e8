/**
 * One simulated lottery: the real LotteryServer and N real AgencyClients in one SimWorld, each
 * on its own machine (the server's disk holds bets.csv; each client's holds its agency file),
 * a fault schedule fired and healed on them, then SIGTERM to the server, as the Docker run ends.
 * Everything the processes print goes into a harness Timeline in virtual time, which the judge's
 * checker and the timeline report read as they read a Docker run's (see invariants.ts).
 *
 * A run is a pure function of its spec: the seed (every random stream: ties, network, disk,
 * jitter, the data, the tuning) and the shape (agencies, bets, faults) the shrinker may cut.
 */
import { Timeline } from '../../harness/run/timeline.js';
import { parseLogEvent } from '../../harness/logs/json-log-line.js';
import { type ClientConfig, DEFAULT_CLIENT_CONFIG } from '../../system/client/config.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../system/server/config.js';
import { SIM_EPOCH_MS } from '../clock/sim-clock.js';
import { Prng } from '../kernel/prng.js';
import type { Program } from '../process/sim-process.js';
import { SimWorld } from '../process/sim-world.js';
import { type SimAgencyData, simDatasetOnce } from './dataset.js';
import { checkRun, type Violation } from './invariants.js';
import { clientProgram, serverProgram } from './programs.js';
import { drawSchedule, type PlannedFault } from './schedule.js';
import { SimNemesis } from './sim-nemesis.js';
import type { CheckResult } from '../../harness/checker/check-result.js';

/** What the shrinker may make smaller. */
export interface RunShape {
  readonly agencies: number;
  readonly bets: number;
  readonly faults: readonly PlannedFault[];
}

export interface LotteryRunSpec extends RunShape {
  readonly seed: number;
}

export interface SpecOptions {
  readonly agencies?: number;
  readonly bets?: number;
  /** How many faults the seed draws (default 4). */
  readonly faults?: number;
}

export const DEFAULT_AGENCIES = 5;
export const DEFAULT_BETS = 200;
export const DEFAULT_FAULTS = 4;
/** Every client must be done by then (virtual ms), else the run fails for liveness. */
export const CLIENTS_DEADLINE_MS = 600_000;
/** The server must be gone this long after the final SIGTERM. */
export const SHUTDOWN_DEADLINE_MS = 60_000;

const SERVER_PORT = 12345;
const BETS_FILE = '/output/bets.csv';
const AGENCY_FILE = '/data/agency.csv';
const READY_LINE = 'action: servidor_escuchando | result: success';

/** The seed's run: its schedule drawn from its own `faults` stream. */
export function specFromSeed(seed: number, options: SpecOptions = {}): LotteryRunSpec {
  const agencies = options.agencies ?? DEFAULT_AGENCIES;
  const faults = drawSchedule(new Prng(seed).derive('faults'), options.faults ?? DEFAULT_FAULTS, agencies);
  return { seed, agencies, bets: options.bets ?? DEFAULT_BETS, faults };
}

/** Knobs drawn from the seed, so that seeds explore batch sizes, windows, latencies and start orders. */
interface Tuning {
  readonly batchMaxAmount: number;
  readonly batchWindow: number;
  readonly batchPeriodMs: number;
  readonly serverDiskLatencyMs: readonly [number, number];
  readonly network: { readonly latencyMs: number; readonly jitterMs: number };
  /** The server starts this late: clients find no listener at first. */
  readonly serverStartMs: number;
}

function tuningFrom(rng: Prng): Tuning {
  return {
    batchMaxAmount: rng.pick([20, 20, 20, 7, 1, 100]),
    batchWindow: rng.pick([16, 16, 4, 1]),
    batchPeriodMs: rng.pick([5, 5, 0, 1]),
    serverDiskLatencyMs: rng.pick([[0, 0], [0, 0.2], [0.1, 2]] as const),
    network: rng.pick([{ latencyMs: 0.2, jitterMs: 0.3 }, { latencyMs: 0.05, jitterMs: 0.1 }, { latencyMs: 1, jitterMs: 4 }]),
    serverStartMs: rng.pick([0, 0, 0, 5, 30]),
  };
}

export interface LotteryRunResult {
  readonly spec: LotteryRunSpec;
  /** Empty: every invariant held. */
  readonly violations: readonly Violation[];
  readonly check: CheckResult;
  /** Failed draws left out of the check: they came while a disk fault was injected (invariants.ts). */
  readonly excused: number;
  readonly traceHash: string;
  readonly events: number;
  readonly virtualMs: number;
  readonly timeline: Timeline;
  /** bets.csv as the server's disk holds it at the end. */
  readonly betsCsv: string;
  readonly faults: { readonly fired: number; readonly skipped: number };
  /** The full trace, when asked for. */
  readonly trace: readonly string[] | undefined;
  readonly traceTail: readonly string[];
}

export interface RunOptions {
  readonly keepTrace?: boolean;
}

export async function runLottery(spec: LotteryRunSpec, options: RunOptions = {}): Promise<LotteryRunResult> {
  const tuning = tuningFrom(new Prng(spec.seed).derive('tuning'));
  const world = new SimWorld({ seed: spec.seed, network: tuning.network, trace: { keep: options.keepTrace ?? false, tail: 40 } });
  const timeline = new Timeline();
  const now = () => SIM_EPOCH_MS + world.sim.now;
  const lingered: string[] = [];
  world.onOutput = (proc, text) => timeline.add({ at: now(), source: proc.name, kind: 'log', text, event: parseLogEvent(text) });
  world.onExit = (proc, exit) => {
    const code = exit.code ?? (exit.signal === 'SIGTERM' ? 143 : 137);
    timeline.add({ at: now(), source: proc.name, kind: 'exit', text: `${proc.name} exited with code ${code}`, event: undefined, exitCode: code });
  };
  const events = { lingered: (name: string, incarnation: number) => lingered.push(`${name}#${incarnation}`) };

  const data = simDatasetOnce({ seed: spec.seed >>> 0, agencies: spec.agencies, betsPerAgency: spec.bets });
  const programs = new Map<string, Program>();
  const serverConfig: ServerConfig = { ...DEFAULT_SERVER_CONFIG, ip: '0.0.0.0', port: SERVER_PORT, agencies: spec.agencies, betsFile: BETS_FILE };
  world.machine('server', { latencyMs: tuning.serverDiskLatencyMs }).volume.provisionDir('/output');
  programs.set('server', serverProgram(serverConfig, events));
  for (const agency of data) {
    const name = `client${agency.agency}`;
    world.machine(name).volume.provision(AGENCY_FILE, agency.csv);
    const config: ClientConfig = {
      ...DEFAULT_CLIENT_CONFIG,
      id: agency.agency,
      server: { host: 'server', port: SERVER_PORT },
      dataFile: AGENCY_FILE,
      batchMaxAmount: tuning.batchMaxAmount,
      batchWindow: tuning.batchWindow,
      batchPeriodMs: tuning.batchPeriodMs,
    };
    programs.set(name, clientProgram(config, events));
  }
  const clients = [...programs.keys()].filter((n) => n !== 'server');
  const nemesis = new SimNemesis(world, programs, timeline, now);
  // (A fault's heal may have started it already: a disk fault healed before this.)
  world.sim.at(tuning.serverStartMs, 'start', () => world.running('server') ?? world.start('server', programs.get('server') as Program));
  for (const c of clients) world.start(c, programs.get(c) as Program);
  nemesis.arm(spec.faults);

  const violations: Violation[] = [];
  let outcome = await world.run({ until: () => nemesis.settled && clients.every((c) => !world.running(c)), deadlineMs: CLIENTS_DEADLINE_MS });
  const stuck = clients.filter((c) => world.running(c));
  if (stuck.length > 0 || !nemesis.settled) {
    violations.push({ invariant: 'liveness', detail: `at ${fmtMs(outcome.now)} virtual (${outcome.reason}): ${stuck.length > 0 ? `${stuck.join(', ')} still running; ` : ''}${nemesis.describePending()}` });
  }
  // The run is over: stop the server as the Docker run does (SIGTERM, the graceful path).
  timeline.add({ at: now(), source: 'harness', kind: 'note', text: 'SIGTERM server (end of the run)', event: undefined });
  const last = world.running('server');
  if (last) {
    // As the Docker run, which counts a restarted server as back once it logs its ready line.
    outcome = await world.run({ until: () => !last.alive || last.output.some((l) => l.includes(READY_LINE)), deadlineMs: outcome.now + SHUTDOWN_DEADLINE_MS });
    world.signal('server', 'SIGTERM');
    outcome = await world.run({ until: () => !last.alive, deadlineMs: outcome.now + SHUTDOWN_DEADLINE_MS });
    if (last.alive) violations.push({ invariant: 'liveness', detail: `the server did not exit within ${SHUTDOWN_DEADLINE_MS} ms of SIGTERM` });
  }
  const betsCsv = world.machine('server').volume.read(BETS_FILE)?.toString('utf8') ?? '';
  const result = await checkRun({
    data,
    timeline,
    betsCsv,
    server: world.machine('server').history,
    clients: clients.map((c) => world.machine(c).history),
    lingered,
  });
  violations.push(...result.violations);
  return {
    spec,
    violations,
    check: result.check,
    excused: result.excused,
    traceHash: outcome.traceHash,
    events: outcome.events,
    virtualMs: outcome.now,
    timeline,
    betsCsv,
    faults: nemesis.counts,
    trace: world.sim.trace.lines,
    traceTail: world.sim.trace.tail(),
  };
}

export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`;
}

export type { SimAgencyData };
