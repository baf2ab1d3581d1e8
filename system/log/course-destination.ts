/**
 * pino's destination, in the main thread: pino hands it each record's level, fields, time and
 * logger (its metadata protocol, `pino.symbols.needsMetadataGsym`), and it writes either the
 * course line built from those fields or pino's own NDJSON line, to a LogSink.
 */
import pino, { type Level as PinoLevel } from 'pino';
import { type Bindings, courseLine, type Level, type LogRecord } from './course-line.js';
import type { LogSink } from './sinks.js';

export type LogFormat = 'text' | 'json';

export const PINO_LEVEL = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' } as const satisfies Record<Level, PinoLevel>;

/** pino's numbers for its levels, back to the course's names. */
const COURSE_LEVEL: Readonly<Record<number, Level>> = { 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR' };
const INFO = pino.levels.values.info as number;

/**
 * On a record at INFO: the line may wait for the end of the event-loop turn, as DEBUG lines do
 * (Logger.progress). A symbol key: neither pino's JSON nor the course line shows it.
 */
export const MAY_WAIT: unique symbol = Symbol('may wait for the end of the turn');

/** Where a child pino logger keeps all its bindings (its parents' too), for the course line. */
export const BINDINGS: unique symbol = Symbol('course bindings');

export class CourseDestination {
  readonly [pino.symbols.needsMetadataGsym] = true;
  // Set by pino before each write.
  lastLevel = 0;
  lastObj: object = {};
  lastTime = '';
  lastLogger: object = {};
  private lastMs = NaN;
  private lastIso = '';

  constructor(
    private readonly format: LogFormat,
    private readonly sink: LogSink,
  ) {}

  write(json: string): void {
    const urgent = this.lastLevel >= INFO && (this.lastObj as { [MAY_WAIT]?: true })[MAY_WAIT] !== true;
    if (this.format === 'json') {
      this.sink.write(json.endsWith('\n') ? json.slice(0, -1) : json, urgent);
      return;
    }
    const ms = Number(this.lastTime);
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    const bindings = (this.lastLogger as Record<symbol, Bindings | undefined>)[BINDINGS];
    this.sink.write(courseLine(this.lastIso, COURSE_LEVEL[this.lastLevel] ?? 'ERROR', this.lastObj as LogRecord, bindings), urgent);
  }
}
