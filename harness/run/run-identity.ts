/**
 * Names and labels of one run's Docker resources. Every container and network of a run carries
 * the project label, the run id and its owner process, so that a run's resources can be found
 * (and removed) by label, and stale ones from a crashed run told apart from a live run's.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const LABEL_PROJECT = 'tp0.project';
export const LABEL_KIND = 'tp0.harness';
export const LABEL_RUN_ID = 'tp0.run-id';
export const LABEL_SERVICE = 'tp0.service';
export const LABEL_OWNER_PID = 'tp0.owner-pid';
export const LABEL_OWNER_HOST = 'tp0.owner-host';

/** The labels every harness resource carries (use them to query). */
export const HARNESS_LABELS: Readonly<Record<string, string>> = { [LABEL_PROJECT]: 'tp0', [LABEL_KIND]: 'run' };

export class RunIdentity {
  private constructor(readonly runId: string) {}

  /** A fresh id: time-ordered and random, short enough for container names. */
  static create(): RunIdentity {
    return new RunIdentity(`${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
  }

  get networkName(): string {
    return `tp0-${this.runId}-net`;
  }

  /** Unique per run, so that two runs can go at once; the service name is the network alias. */
  containerName(service: string): string {
    return `tp0-${this.runId}-${service}`;
  }

  labels(service?: string): Record<string, string> {
    return {
      ...HARNESS_LABELS,
      [LABEL_RUN_ID]: this.runId,
      [LABEL_OWNER_PID]: String(process.pid),
      [LABEL_OWNER_HOST]: hostname(),
      ...(service === undefined ? {} : { [LABEL_SERVICE]: service }),
    };
  }
}
