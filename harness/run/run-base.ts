/**
 * What a started run does the same on one engine (StartedLotteryRun) and on a swarm
 * (StartedSwarmRun), given its services, timeline, plan and dataset, and a way to read bets.csv:
 * resolving fault targets, waits, faults and triggers, the results and the checker.
 */
import type { CheckResult } from '../checker/check-result.js';
import { checkRun } from '../checker/check-run.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { FaultTargetHandle } from '../faults/fault-target.js';
import { type Fault, type FaultContext, FaultError, type FaultOutcome, type ShapedContainer, type Shaping, type Trigger } from '../faults/faults.js';
import { betsSentBy, failLines, parseBetsCsv, phaseTimes, reportedWinners, type RunResult, type StoredBets } from '../results/run-result.js';
import type { RunIdentity } from './run-identity.js';
import type { ServiceSpec } from './run-plan.js';
import type { EventFilter, Timeline, TimelineEntry } from './timeline.js';

export interface ServiceHandle extends FaultTargetHandle {
  /** The exit code of its last exit, undefined while it has never exited. */
  readonly exitCode: number | undefined;
}

/** What every started run is made of, on one engine or on a swarm. */
export interface RunBaseParts {
  readonly identity: RunIdentity;
  readonly timeline: Timeline;
  readonly plan: readonly ServiceSpec[];
  readonly dataset: PreparedDataset | undefined;
}

export abstract class RunBase<H extends ServiceHandle> implements FaultContext {
  private names = new Map<string, number>();

  constructor(private readonly base: RunBaseParts) {}

  get id(): string {
    return this.base.identity.runId;
  }

  get timeline(): Timeline {
    return this.base.timeline;
  }

  get plan(): readonly ServiceSpec[] {
    return this.base.plan;
  }

  get dataset(): PreparedDataset | undefined {
    return this.base.dataset;
  }

  /** Every service of the plan, server first. */
  protected abstract services(): H[];
  abstract service(name: string): H;

  get server(): H {
    return this.service('server');
  }

  abstract get clients(): H[];
  /** bets.csv's text as it is now. */
  abstract copyBetsCsv(): Promise<string>;
  /** Removes the clients that have exited while the rest of the run goes on (stop() removes the rest). */
  abstract removeExitedClients(): Promise<void>;
  /** Runs a tp0-net-tools helper in `target`'s network namespace that applies `shaping` until healed. */
  abstract shapeNetwork(target: H, shaping: Shaping): Promise<ShapedContainer>;

  /** `server`, `client3`, `clients` (every client) or `all`. */
  resolve(target: string): H[] {
    if (target === 'all') return this.services();
    if (target === 'clients') return this.clients;
    return [this.service(target)];
  }

  waitFor(filter: EventFilter, count = 1, timeoutMs = 120_000): Promise<TimelineEntry[]> {
    return this.timeline.waitFor(filter, count, timeoutMs);
  }

  /** Waits until every client has exited; returns their exit codes. */
  async waitForClients(timeoutMs = 300_000): Promise<Record<string, number>> {
    const codes = await Promise.all(this.clients.map(async (c) => [c.service, await c.waitForExit(timeoutMs)] as const));
    return Object.fromEntries(codes);
  }

  fire(fault: Fault): Promise<FaultOutcome> {
    return fault.apply(this);
  }

  async fireWhen(trigger: Trigger, fault: Fault): Promise<FaultOutcome> {
    await trigger.wait(this.timeline);
    return this.fire(fault);
  }

  freshName(prefix: string): string {
    const n = (this.names.get(prefix) ?? 0) + 1;
    this.names.set(prefix, n);
    return `${prefix}-${n}`;
  }

  /** bets.csv as it is now, read with csv-parse. */
  async storedBets(): Promise<StoredBets> {
    return parseBetsCsv(await this.copyBetsCsv());
  }

  /** The exactly-once checker over the run as it stands (call it once every fault is healed). */
  async check(collected?: RunResult): Promise<CheckResult> {
    const dataset = this.dataset;
    if (!dataset) throw new FaultError('the checker needs a dataset: this run has none');
    // bets.csv is copied out once: reuse a result the caller already has.
    const result = collected ?? (await this.result());
    return checkRun({ dataset, agencies: result.agencies, timeline: this.timeline, stored: result.stored });
  }

  /** What the run produced so far: per agency reports, bets.csv (read now unless given), phase times, fail lines. */
  async result(stored?: StoredBets): Promise<RunResult> {
    const agencies = this.clients.map((c) => ({
      agency: Number(this.plan.find((s) => s.name === c.service)?.environment.CLI_ID),
      service: c.service,
      betsSent: betsSentBy(this.timeline, c.service),
      winners: reportedWinners(this.timeline, c.service),
      exitCode: c.exitCode,
    }));
    return {
      agencies,
      serverExitCode: this.server.exitCode,
      stored: stored ?? (await this.storedBets()),
      times: phaseTimes(this.timeline),
      failLines: failLines(this.timeline),
    };
  }
}
