/**
 * What a fault does to one service's container: a ContainerHandle of a run on one engine, or a
 * swarm service's handle (harness/swarm/task-handle.ts), which acts on the service's current
 * task through its node. Kept apart from the faults so that both sides depend on it alone.
 */
export interface FaultTargetHandle {
  /** The service name (`server`, `client3`): the timeline source of its lines. */
  readonly service: string;
  kill(signal: string): Promise<void>;
  /** Resolves with the exit code once the current container exits. */
  waitForExit(timeoutMs?: number): Promise<number>;
  /** SIGTERM with a grace period; the service stays down until startAgain(). Resolves with the exit code. */
  stop(graceSeconds: number): Promise<number>;
  /** Up again (the same volumes), resolved once it logs its ready line. */
  startAgain(): Promise<void>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  /** Cuts the container off the run's network (until reconnect()). */
  disconnect(): Promise<void>;
  reconnect(): Promise<void>;
}
