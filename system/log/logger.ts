/**
 * The system's logger: a thin typed layer over pino.
 *
 *   log.info('apuesta_recibida', 'success', { cantidad: 100 })
 *   const session = log.child({ peer });          // bound: in every record of `session`
 *   session.info('conexion_aceptada', 'success', { peer: bound });
 *
 * Each call is one pino record `{ action, result, ...details }` at the pino level of the
 * course's level (DEBUG → debug, INFO → info, WARNING → warn, ERROR → error). A level that is
 * off costs a comparison: no record, no formatting. The record goes to a destination in the
 * main thread (course-destination.ts): by default it writes the course line (SPEC §4) from the
 * record's fields; with `LOG_FORMAT=json`, pino's own NDJSON line. Bound fields are in every
 * JSON record; the course line shows one where a call names it with `bound`, so each line
 * reads as it always has.
 */
import pino, { type Logger as PinoLogger } from 'pino';
import type { Bindings, Details, Level, LogRecord, Result } from './course-line.js';
import { BINDINGS, CourseDestination, type LogFormat, PINO_LEVEL } from './course-destination.js';
import { type LogSink, stdoutSink } from './sinks.js';

export { bound, escapeValue, formatLine, type Level, LEVELS, parseLevel, type Result, type Details, type Bindings, unescapeValue } from './course-line.js';
export { type LogFormat } from './course-destination.js';
export { type LogSink, MemorySink, stdoutSink } from './sinks.js';

const RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

export class Logger {
  private readonly pino: PinoLogger;
  private rank: number;
  private level: Level;
  private readonly sink: LogSink;

  /** A root logger; `clock` replaces pino's clock (tests). */
  constructor(level?: Level, sink?: LogSink, format?: LogFormat, clock?: () => Date);
  /** A child: shares the parent's destination. */
  constructor(level: Level, sink: LogSink, child: PinoLogger);
  constructor(level: Level = 'INFO', sink: LogSink = stdoutSink, format: LogFormat | PinoLogger = 'text', clock?: () => Date) {
    this.level = level;
    this.rank = RANK[level];
    this.sink = sink;
    if (typeof format !== 'string') {
      this.pino = format;
      return;
    }
    this.pino = pino(
      {
        level: PINO_LEVEL[level],
        timestamp: clock ? () => `,"time":${clock().getTime()}` : pino.stdTimeFunctions.epochTime,
      },
      new CourseDestination(format, sink),
    );
    // The course text is built from the record's fields (the destination's metadata), so pino's
    // JSON rendering of it would be thrown away: skip it (children inherit this).
    if (format === 'text') Object.defineProperty(this.pino, pino.symbols.asJsonSym, { value: () => '' });
  }

  /** The course level from the config: this logger and the children made from now on. */
  withLevel(level: Level): this {
    this.level = level;
    this.rank = RANK[level];
    this.pino.level = PINO_LEVEL[level];
    return this;
  }

  get currentLevel(): Level {
    return this.level;
  }

  enabled(level: Level): boolean {
    return RANK[level] >= this.rank;
  }

  /** A logger whose every record carries `bindings` (pino's child logger); same level, same output. */
  child(bindings: Bindings): Logger {
    const child = this.pino.child(bindings);
    const parent = (this.pino as unknown as Record<symbol, Bindings | undefined>)[BINDINGS];
    Object.defineProperty(child, BINDINGS, { value: { ...parent, ...bindings } });
    return new Logger(this.level, this.sink, child);
  }

  log(level: Level, action: string, result: Result, details?: Details): void {
    if (RANK[level] < this.rank) return;
    const record: LogRecord = { action, result, ...details };
    this.pino[PINO_LEVEL[level]](record);
  }

  debug(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.DEBUG) return;
    this.pino.debug({ action, result, ...details });
  }

  info(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.INFO) return;
    this.pino.info({ action, result, ...details });
  }

  warn(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.WARNING) return;
    this.pino.warn({ action, result, ...details });
  }

  error(action: string, result: Result, details?: Details): void {
    this.pino.error({ action, result, ...details });
  }

  /** Writes whatever waits (DEBUG lines of this event-loop turn), synchronously. */
  flush(): void {
    this.sink.flush();
  }
}

export function parseLogFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new Error(`unknown LOG_FORMAT "${value}" (expected text or json)`);
}

/**
 * For an entry point: an uncaught error is logged as `crash` (ERROR, written at once) and the
 * process exits 1; at exit, whatever waits is written.
 */
export function exitOnCrash(log: Logger): void {
  process.on('exit', () => log.flush());
  process.on('uncaughtException', (err) => {
    log.error('crash', 'fail', { error: err.message });
    process.exit(1);
  });
}
