/**
 * Where finished log lines go, in the main thread (no worker, no transport).
 *
 * FdSink writes through: an urgent line (INFO or above) is written to the file descriptor before
 * the call returns (with any lines waiting before it), as the old logger did, so what a process
 * said before an action is out before the action. Other lines — DEBUG (one per bet) and the INFO
 * lines of Logger.progress (one per batch) — wait in a buffer until the next urgent line, the
 * end of the event-loop turn or 16 KiB, so they cost one write per turn instead of one each. The writes are SonicBoom's, synchronous: nothing is ever
 * in flight in another thread, so process.exit() cannot lose what was written, and flush()
 * (run at 'exit') writes what waits. A pipe that is slow to read blocks the writer (or, when
 * non-blocking, SonicBoom retries after EAGAIN): lines are never dropped. EPIPE (the reader
 * is gone) stops writing, as pino does.
 */
import pino from 'pino';

export interface LogSink {
  /** One line without its line break; `urgent`: write it now (INFO and above), else it may wait a little. */
  write(line: string, urgent: boolean): void;
  /** Writes whatever waits, synchronously. */
  flush(): void;
}

/** Lines kept in memory, for tests and benchmarks. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  flush(): void {}
}

/** Past this many characters waiting, lines that may wait are written at once. */
const MAX_WAITING = 16 * 1024;

interface SyncStream {
  write(data: string): boolean;
}

export class FdSink implements LogSink {
  private waiting = '';
  private scheduled = false;
  private readonly out: SyncStream;

  constructor(fd: number) {
    this.out = pino.destination({ dest: fd, sync: true });
  }

  write(line: string, urgent: boolean): void {
    this.waiting += line + '\n';
    if (urgent || this.waiting.length >= MAX_WAITING) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushLater);
    }
  }

  private readonly flushLater = (): void => {
    this.scheduled = false;
    this.flush();
  };

  flush(): void {
    if (this.waiting === '') return;
    const text = this.waiting;
    this.waiting = '';
    this.out.write(text);
  }
}

let stdout: FdSink | undefined;

/** Standard output, opened on first use; whatever waits is written when the process exits. */
export const stdoutSink: LogSink = {
  write(line, urgent) {
    if (!stdout) {
      const sink = new FdSink(1);
      process.on('exit', () => sink.flush());
      stdout = sink;
    }
    stdout.write(line, urgent);
  },
  flush() {
    stdout?.flush();
  },
};
