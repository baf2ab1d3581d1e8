/**
 * The course log grammar (SPEC §4):
 *   <timestamp> <LEVEL> action: <name> | result: <success|fail|in_progress> | <key>: <value> | …
 * Values never contain `|`, `:` or a line break: they are escaped (see escapeValue).
 * `LOG_FORMAT=json` switches to one JSON object per line for machines.
 */

export const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type Level = (typeof LEVELS)[number];
export type Result = 'success' | 'fail' | 'in_progress';
export type Details = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogFormat = 'text' | 'json';

const LEVEL_RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** Accepts the spellings people use in the course configs (`info`, `WARN`, `warning`, …). */
export function parseLevel(value: string): Level {
  const upper = value.trim().toUpperCase();
  if (upper === 'WARN') return 'WARNING';
  if ((LEVELS as readonly string[]).includes(upper)) return upper as Level;
  throw new Error(`unknown log level "${value}" (expected one of ${LEVELS.join(', ')})`);
}

/**
 * Escapes a value so that it never holds `|`, `:`, CR or LF; reversible with unescapeValue.
 * Without `|` and line breaks a line splits cleanly; without `:` a `key: value` detail splits
 * the same at its first or its last colon (the course's tests take the last one).
 */
export function escapeValue(value: string): string {
  if (!/[\\|:\r\n]/.test(value)) return value;
  return value.replace(/[\\|:\r\n]/g, (c) => ESCAPES[c] as string);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '|': '\\x7c', ':': '\\x3a', '\r': '\\r', '\n': '\\n' };
const UNESCAPES: Record<string, string> = { '\\': '\\', x7c: '|', x3a: ':', r: '\r', n: '\n' };

export function unescapeValue(value: string): string {
  return value.replace(/\\(\\|x7c|x3a|r|n)/g, (_m, c: string) => UNESCAPES[c] as string);
}

export function formatLine(time: Date, level: Level, action: string, result: Result, details: Details): string {
  let line = `${time.toISOString()} ${level} action: ${escapeValue(action)} | result: ${result}`;
  for (const key of Object.keys(details)) {
    const value = details[key];
    if (value === undefined) continue;
    line += ` | ${key}: ${escapeValue(String(value))}`;
  }
  return line;
}

export interface LogSink {
  write(line: string): void;
}

export const stdoutSink: LogSink = {
  write(line) {
    process.stdout.write(line + '\n');
  },
};

export class Logger {
  private rank: number;

  constructor(
    private level: Level = 'INFO',
    private readonly sink: LogSink = stdoutSink,
    private readonly format: LogFormat = 'text',
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.rank = LEVEL_RANK[level];
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

  log(level: Level, action: string, result: Result, details: Details = {}): void {
    if (!this.enabled(level)) return;
    const time = this.clock();
    if (this.format === 'json') {
      // Fixed fields last, so that a detail can never overwrite them.
      this.sink.write(JSON.stringify({ ...details, time: time.toISOString(), level: level.toLowerCase(), action, result }));
    } else {
      this.sink.write(formatLine(time, level, action, result, details));
    }
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
}

export function parseLogFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new Error(`unknown LOG_FORMAT "${value}" (expected text or json)`);
}

/** A sink that keeps lines in memory, for tests. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}
