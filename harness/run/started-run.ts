/**
 * What a started run offers, on one engine (StartedLotteryRun) or on a swarm
 * (harness/swarm/started-swarm-run.ts): what run.mjs, the nemesis and the scenarios use.
 */
import type { CheckResult } from '../checker/check-result.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { FaultContext, Fault, FaultOutcome, Trigger } from '../faults/faults.js';
import type { FaultTargetHandle } from '../faults/fault-target.js';
import type { RunResult, StoredBets } from '../results/run-result.js';
import type { ServiceSpec } from './run-plan.js';
import type { EventFilter, TimelineEntry } from './timeline.js';

export interface StartedRun extends FaultContext {
  readonly id: string;
  /** The run's network (on a swarm: the stack's overlay network). */
  readonly networkName: string;
  readonly plan: readonly ServiceSpec[];
  readonly dataset: PreparedDataset | undefined;
  readonly server: FaultTargetHandle;
  readonly clients: readonly FaultTargetHandle[];
  waitFor(filter: EventFilter, count?: number, timeoutMs?: number): Promise<TimelineEntry[]>;
  /** Waits until every client has exited; their exit codes. */
  waitForClients(timeoutMs?: number): Promise<Record<string, number>>;
  fire(fault: Fault): Promise<FaultOutcome>;
  fireWhen(trigger: Trigger, fault: Fault): Promise<FaultOutcome>;
  isRunning(service: string): Promise<boolean>;
  /** bets.csv's text as it is now. */
  copyBetsCsv(): Promise<string>;
  /** Removes the clients that have exited while the rest of the run goes on. */
  removeExitedClients(): Promise<void>;
  /** What the run produced so far; bets.csv read now unless given. */
  result(stored?: StoredBets): Promise<RunResult>;
  check(collected?: RunResult): Promise<CheckResult>;
  report(facts?: Readonly<Record<string, string>>, check?: CheckResult): Promise<string>;
  saveArtifacts(dir: string, check?: CheckResult): Promise<void>;
  stop(): Promise<void>;
}
