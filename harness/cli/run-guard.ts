/**
 * Makes sure a run is removed when the command is interrupted: on SIGINT or SIGTERM it stops
 * the run (waiting for a start in progress first, at most `startWaitMs`), sweeps whatever this
 * process still owns by label, then exits with 130 / 143. A second signal exits at once
 * (the next run's stale-resource clean-up removes what is left).
 */
import type { ContainerClient } from '../docker/docker-client.js';
import type { StartedRun } from '../run/started-run.js';
import { describeError, EXIT_SIGINT, EXIT_SIGTERM } from './cli-errors.js';
import { removeOwnResources } from './environment.js';

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface GuardOptions {
  readonly docker: ContainerClient;
  readonly signals: SignalSource;
  readonly log: (line: string) => void;
  readonly exit: (code: number) => void;
  /** Called first on an interrupt (stop the progress display). */
  readonly onInterrupt?: () => void;
  readonly startWaitMs?: number;
}

const SIGNAL_EXIT = { SIGINT: EXIT_SIGINT, SIGTERM: EXIT_SIGTERM } as const;

export class RunGuard {
  private starting: Promise<StartedRun> | undefined;
  private run: StartedRun | undefined;
  private signal: 'SIGINT' | 'SIGTERM' | undefined;
  private readonly listeners: Record<'SIGINT' | 'SIGTERM', () => void>;

  constructor(private readonly o: GuardOptions) {
    this.listeners = { SIGINT: () => void this.interrupt('SIGINT'), SIGTERM: () => void this.interrupt('SIGTERM') };
    o.signals.on('SIGINT', this.listeners.SIGINT);
    o.signals.on('SIGTERM', this.listeners.SIGTERM);
  }

  /** True once a signal came: the command must not report anything any more. */
  get interrupted(): boolean {
    return this.signal !== undefined;
  }

  /**
   * Keeps the start in progress so that an interrupt can remove what it started. When a signal
   * came during the start, never settles: the command goes no further, the guard exits.
   */
  async start(starting: Promise<StartedRun>): Promise<StartedRun> {
    this.starting = starting;
    const run = await starting;
    this.run = run;
    if (this.signal) return new Promise<never>(() => {});
    return run;
  }

  /** Stops listening for signals (the command is over). */
  dispose(): void {
    this.o.signals.off('SIGINT', this.listeners.SIGINT);
    this.o.signals.off('SIGTERM', this.listeners.SIGTERM);
  }

  async interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
    if (this.signal) {
      this.o.log(`${signal} again: exiting without waiting for the clean-up`);
      this.o.exit(SIGNAL_EXIT[signal]);
      return;
    }
    this.signal = signal;
    this.o.onInterrupt?.();
    this.o.log(`${signal}: removing the run's containers and network…`);
    try {
      let run = this.run;
      if (!run && this.starting) {
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), this.o.startWaitMs ?? 20_000);
        });
        run = await Promise.race([this.starting.catch(() => undefined), gaveUp]);
        clearTimeout(timer);
      }
      await run?.stop();
      const swept = await removeOwnResources(this.o.docker);
      const extra = swept.containers + swept.networks > 0 ? ` (and ${swept.containers} containers, ${swept.networks} networks left by the start)` : '';
      this.o.log(`run removed${extra}`);
    } catch (err) {
      this.o.log(`clean-up failed: ${describeError(err)}`);
    }
    this.o.exit(SIGNAL_EXIT[signal]);
  }
}
