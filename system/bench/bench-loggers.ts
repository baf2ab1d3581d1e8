/**
 * Loggers for the benchmark's logging comparison, built the same way on the main thread and
 * in the clients' worker: `before` is the old hand-written logger (baseline-logger.ts),
 * `after` the system's pino logger; both write the course text to a file (opened here).
 */
import { closeSync, openSync } from 'node:fs';
import { FdSink } from '../log/sinks.js';
import { type Level, Logger } from '../log/logger.js';
import { BaselineLogger } from './baseline-logger.js';

export type LoggerImpl = 'before' | 'after';

export interface LogSetup {
  readonly impl: LoggerImpl;
  readonly level: Level;
  /** The file the lines go to (created or emptied). */
  readonly file: string;
}

export interface OpenLogger {
  readonly log: Logger;
  /** Writes what waits and closes the file. */
  close(): void;
}

export function openBenchLogger(setup: LogSetup): OpenLogger {
  const fd = openSync(setup.file, 'w');
  if (setup.impl === 'before') return { log: BaselineLogger.create(setup.level, fd), close: () => closeSync(fd) };
  const log = new Logger(setup.level, new FdSink(fd), 'text');
  return {
    log,
    close: () => {
      log.flush();
      closeSync(fd);
    },
  };
}
