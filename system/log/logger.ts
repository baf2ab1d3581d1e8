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
import { type Bindings, bound, type Details, type Level, type LogRecord, type Result } from './course-line.js';
import { BINDINGS, CourseDestination, type LogFormat, MAY_WAIT, PINO_LEVEL } from './course-destination.js';
import { type LogSink, stdoutSink } from './sinks.js';

export { bound, escapeValue, formatLine, type Level, LEVELS, parseLevel, type Result, type Details, type Bindings, unescapeValue } from './course-line.js';
export { type LogFormat } from './course-destination.js';
export { type LogSink, MemorySink, stdoutSink } from './sinks.js';

const RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

export class Logger {
  private readonly pino: PinoLogger;
  /** The root's pino logger: a child is made from it with all its bindings, so each key is bound once. */
  private readonly root: PinoLogger;
  private readonly bindings: Bindings | undefined;
  private rank: number;
  private level: Level;
  private readonly sink: LogSink;

  /** A root logger; `clock` replaces pino's clock (tests). */
  constructor(level?: Level, sink?: LogSink, format?: LogFormat, clock?: () => Date);
  /** A child: shares the root's destination. */
  constructor(level: Level, sink: LogSink, root: PinoLogger, bindings: Bindings);
  constructor(level: Level = 'INFO', sink: LogSink = stdoutSink, format: LogFormat | PinoLogger = 'text', clockOrBindings?: (() => Date) | Bindings) {
    this.level = level;
    this.rank = RANK[level];
    this.sink = sink;
    if (typeof format !== 'string') {
      const bindings = clockOrBindings as Bindings;
      this.root = format;
      this.bindings = bindings;
      this.pino = format.child(bindings);
      this.pino.level = PINO_LEVEL[level];
      Object.defineProperty(this.pino, BINDINGS, { value: bindings });
      return;
    }
    const clock = clockOrBindings as (() => Date) | undefined;
    this.bindings = undefined;
    this.root = pino(
      {
        level: PINO_LEVEL[level],
        timestamp: clock ? () => `,"time":${clock().getTime()}` : pino.stdTimeFunctions.epochTime,
      },
      new CourseDestination(format, sink),
    );
    this.pino = this.root;
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

  /**
   * A logger whose every record carries its parent's bindings and `bindings` (a pino child of
   * the root with all of them, so a key bound again is written once, with its new value); same
   * level, same output.
   */
  child(bindings: Bindings): Logger {
    return new Logger(this.level, this.sink, this.root, { ...this.bindings, ...bindings });
  }

  log(level: Level, action: string, result: Result, details?: Details): void {
    if (RANK[level] < this.rank) return;
    this.write(PINO_LEVEL[level], { action, result, ...details });
  }

  debug(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.DEBUG) return;
    this.write('debug', { action, result, ...details });
  }

  info(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.INFO) return;
    this.write('info', { action, result, ...details });
  }

  /**
   * An INFO line of the kind a process writes many times a second (one per batch): the same line
   * as info() gives, but it may wait, as DEBUG lines do, for the end of the event-loop turn,
   * 16 KiB, the next other INFO line or the exit, so that a turn's lines cost one write (and the
   * container engine one read) instead of one each. Not for a line that must be out before what
   * the process does next.
   */
  progress(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.INFO) return;
    this.write('info', { action, result, ...details, [MAY_WAIT]: true } as Record<string, LogRecord[string]>);
  }

  warn(action: string, result: Result, details?: Details): void {
    if (this.rank > RANK.WARNING) return;
    this.write('warn', { action, result, ...details });
  }

  error(action: string, result: Result, details?: Details): void {
    this.write('error', { action, result, ...details });
  }

  /**
   * A detail named like a bound field (with a value, not `bound`) replaces it: the record goes
   * through a child of the root whose binding has the detail's value, and the detail is dropped
   * from the record, so pino's JSON has the key once; the course line shows it where the call
   * names it, as `bound`.
   */
  private write(level: (typeof PINO_LEVEL)[Level], record: Record<string, LogRecord[string]>): void {
    const bindings = this.bindings;
    if (bindings !== undefined) {
      let replaced: Record<string, LogRecord[string]> | undefined;
      for (const key in record) {
        if (key in bindings && record[key] !== bound && record[key] !== undefined) {
          replaced ??= { ...bindings };
          replaced[key] = record[key];
          record[key] = bound;
        }
      }
      if (replaced !== undefined) {
        new Logger(this.level, this.sink, this.root, replaced as Bindings).pino[level](record);
        return;
      }
    }
    this.pino[level](record);
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
