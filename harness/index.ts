/** The harness's public API: what scenarios, run.mjs and people use. */
import './setup/testcontainers-env.js';

export { LotteryRun, RunSetupError, projectImages } from './run/lottery-run.js';
export { StartedLotteryRun } from './run/started-lottery-run.js';
export type { ContainerHandle } from './run/container-handle.js';
export { Timeline, type EventFilter, type TimelineEntry, WaitTimeoutError, TimelineClosedError } from './run/timeline.js';
export { Datasets, agencyDocuments, type DatasetSource, type PreparedDataset } from './datasets/datasets.js';
export { Faults, Triggers, type Fault, type Trigger } from './faults/faults.js';
export { Nemesis, NEMESIS_KINDS, type NemesisKind, type NemesisOptions } from './faults/nemesis.js';
export { checkExactlyOnce, describeCheck, rowText, type CheckInput, type LogRecord, type ProcessEnd, type RunEvent } from './checker/set-checker.js';
export { checkRun } from './checker/check-run.js';
export type { CheckResult, CheckedSet } from './checker/check-result.js';
export { Probes, MockServers, type ProbeResult } from './probes/probes.js';
export { parseLogLine, parseExitLine, type LogEvent } from './logs/log-grammar.js';
export { parseJsonLogLine, parseLogEvent } from './logs/json-log-line.js';
export { silentLogger, stderrLogger, type HarnessLogger, type HarnessLogFormat } from './logging/harness-logger.js';
export type { RunResult, AgencyReport, StoredBets, StoredBetRow } from './results/run-result.js';
export { composeModel, planServices } from './run/run-plan.js';
export { cleanupStaleRuns } from './run/stale-cleanup.js';
export { createDockerClient } from './docker/docker-client.js';
export { startScenarioRun } from './vitest/scenario-run.js';
export { Adversaries, ADVERSARY_AGENCY, type BatchAttack, type FloodResult, type RawResult } from './probes/raw-probe.js';
export { framingVerdict, decodeAnswer, type DecodedAnswer } from './probes/raw-payloads.js';
export type { Probe } from './probes/probes.js';
