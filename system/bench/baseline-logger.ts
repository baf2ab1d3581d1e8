/**
 * The benchmark's "before": the hand-written logger the system had before pino (same
 * formatting, one synchronous write per line, as its stdout sink did on a file or pipe), kept
 * here only to be measured against. It gained what the code now calls (child loggers, `bound`
 * details), done the plain way: bindings merged once per child, looked up per `bound` detail.
 */
import { writeSync } from 'node:fs';
import { type Bindings, bound, type Details, escapeValue, type Level, type Logger, type Result } from '../log/logger.js';

const LEVEL_RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

function formatLine(time: Date, level: Level, action: string, result: Result, details: Details, bindings: Bindings): string {
  let line = `${time.toISOString()} ${level} action: ${escapeValue(action)} | result: ${result}`;
  for (const key of Object.keys(details)) {
    let value = details[key];
    if (value === bound) value = bindings[key];
    if (value === undefined) continue;
    line += ` | ${key}: ${escapeValue(String(value))}`;
  }
  return line;
}

export class BaselineLogger {
  private rank: number;

  constructor(
    private level: Level,
    private readonly fd: number,
    private readonly bindings: Bindings = {},
  ) {
    this.rank = LEVEL_RANK[level];
  }

  /** Typed as the system's logger, to be handed to the server and the clients. */
  static create(level: Level, fd: number): Logger {
    return new BaselineLogger(level, fd) as unknown as Logger;
  }

  withLevel(level: Level): this {
    this.level = level;
    this.rank = LEVEL_RANK[level];
    return this;
  }

  get currentLevel(): Level {
    return this.level;
  }

  enabled(level: Level): boolean {
    return LEVEL_RANK[level] >= this.rank;
  }

  child(bindings: Bindings): Logger {
    return new BaselineLogger(this.level, this.fd, { ...this.bindings, ...bindings }) as unknown as Logger;
  }

  log(level: Level, action: string, result: Result, details: Details = {}): void {
    if (!this.enabled(level)) return;
    writeSync(this.fd, formatLine(new Date(), level, action, result, details, this.bindings) + '\n');
  }

  debug(action: string, result: Result, details?: Details): void {
    this.log('DEBUG', action, result, details);
  }

  info(action: string, result: Result, details?: Details): void {
    this.log('INFO', action, result, details);
  }

  warn(action: string, result: Result, details?: Details): void {
    this.log('WARNING', action, result, details);
  }

  error(action: string, result: Result, details?: Details): void {
    this.log('ERROR', action, result, details);
  }

  flush(): void {}
}
