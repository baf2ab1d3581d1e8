/**
 * What the checker reads of a run, in the order it happened: the processes' course log lines,
 * and the end of each process's life (a container's exit, a simulated process's death).
 */

/** One course log line as the checker reads it. */
export interface LogRecord {
  readonly source: string;
  readonly action: string;
  readonly result: string;
  readonly details: Readonly<Record<string, string>>;
}

/**
 * A life of `source` ended: `clean` when the process exited by itself (whatever its code),
 * `unclean` when it was killed under it (SIGKILL, a crash, a power loss), so that it may have
 * stopped between two of its own steps (say, after a record reached the disk and before the
 * line that says so).
 */
export interface ProcessEnd {
  readonly source: string;
  readonly ended: 'clean' | 'unclean';
}

export type RunEvent = LogRecord | ProcessEnd;

export function isProcessEnd(e: RunEvent): e is ProcessEnd {
  return 'ended' in e;
}

export function isLogRecord(e: RunEvent): e is LogRecord {
  return !('ended' in e);
}

/** The log events of `source` with this action and result, with their place in the order. */
export function select(events: readonly RunEvent[], source: string, action: string, result: string): { readonly at: number; readonly e: LogRecord }[] {
  const out: { at: number; e: LogRecord }[] = [];
  events.forEach((e, at) => {
    if (isLogRecord(e) && e.source === source && e.action === action && e.result === result) out.push({ at, e });
  });
  return out;
}

/** A container's exit code as the end of a life: 128 + a signal (137 for SIGKILL) means it was killed. */
export function endOfExitCode(source: string, exitCode: number | undefined): ProcessEnd {
  return { source, ended: exitCode !== undefined && exitCode >= 128 ? 'unclean' : 'clean' };
}
