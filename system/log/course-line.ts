/**
 * The course log grammar (SPEC §4), as pure functions:
 *   <timestamp> <LEVEL> action: <name> | result: <success|fail|in_progress> | <key>: <value> | …
 * Values never contain `|`, `:` or a line break: they are escaped (see escapeValue).
 */

export const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type Level = (typeof LEVELS)[number];
export type Result = 'success' | 'fail' | 'in_progress';

/**
 * Marks a detail whose value is a field the logger has bound (`log.child({ peer })`): the
 * course line shows that field at this place; pino's JSON has it once, from the binding.
 */
export const bound: unique symbol = Symbol('bound field');
export type Bound = typeof bound;

export type DetailValue = string | number | boolean | undefined;
export type Details = Readonly<Record<string, DetailValue | Bound>>;
export type Bindings = Readonly<Record<string, DetailValue>>;

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

/** What a logger hands pino: the action and the result first, then the details, flat. */
export interface LogRecord {
  readonly action: string;
  readonly result: string;
  readonly [key: string]: DetailValue | Bound;
}

/**
 * One course line from a log record: its details in their order (undefined ones left out), a
 * `bound` detail taken from `bindings` (left out when nothing is bound under that key).
 */
export function courseLine(isoTime: string, level: Level, record: LogRecord, bindings?: Bindings): string {
  let line = `${isoTime} ${level} action: ${escapeValue(record.action)} | result: ${record.result}`;
  for (const key in record) {
    if (key === 'action' || key === 'result') continue;
    let value = record[key];
    if (value === bound) value = bindings?.[key];
    if (value === undefined) continue;
    line += ` | ${key}: ${escapeValue(String(value))}`;
  }
  return line;
}

export function formatLine(time: Date, level: Level, action: string, result: Result, details: Details = {}, bindings?: Bindings): string {
  return courseLine(time.toISOString(), level, { action, result, ...details }, bindings);
}
