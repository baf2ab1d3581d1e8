/**
 * The system's lines with `LOG_FORMAT=json`: pino's NDJSON, one record a line,
 *   {"level":30,"time":1764621296123,"pid":1,"hostname":"…","agencia":1,"action":"apuestas_enviadas","result":"success","cantidad":100,…}
 * read into the same LogEvent as a course text line (log-grammar.ts): pino's level numbers
 * back to the course's names, the epoch time as ISO 8601, every other field a detail as text.
 * A compose prefix (`client1  | {…}`) is allowed. Pure: no I/O.
 */
import { type LogEvent, parseLogLine } from './log-grammar.js';

/** pino's level numbers (trace 10 … fatal 60) as the course names them. */
const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'FATAL' };

/** pino's own fields: not details of the event. */
const RECORD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'action', 'result']);

function detailText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A pino record of the system, or undefined for any other line. */
export function parseJsonLogLine(line: string): LogEvent | undefined {
  const start = line.indexOf('{');
  const end = line.lastIndexOf('}');
  if (start < 0 || end < start || line.slice(end + 1).trim() !== '') return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  if (typeof r.action !== 'string' || typeof r.result !== 'string') return undefined;
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(r)) {
    if (!RECORD_FIELDS.has(key) && value !== undefined && value !== null) details[key] = detailText(value);
  }
  const level = typeof r.level === 'number' ? LEVEL_NAMES[r.level] ?? String(r.level) : typeof r.level === 'string' ? r.level.toUpperCase() : undefined;
  const time = typeof r.time === 'number' && Number.isFinite(r.time) ? new Date(r.time).toISOString() : typeof r.time === 'string' ? r.time : undefined;
  return { time, level, action: r.action, result: r.result, details };
}

/** A system log line in either format: pino's NDJSON or the course text. */
export function parseLogEvent(line: string): LogEvent | undefined {
  return line.includes('{') ? (parseJsonLogLine(line) ?? parseLogLine(line)) : parseLogLine(line);
}
