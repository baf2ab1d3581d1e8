/**
 * The harness's own events (image builds, container starts and exits, faults fired and
 * healed, clean-up) go to an optional pino logger, silent unless one is given, as
 * testcontainers' debug logs are until enabled. `stderrLogger` is what `run.mjs --verbose`
 * and `--log-format json` use: pino's NDJSON on stderr, or one readable line per record.
 * Writes are synchronous (pino.destination with sync), so nothing waits at exit.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type HarnessLogger = Logger;
export type HarnessLogFormat = 'text' | 'json';

/** Logs nothing (the default everywhere in the harness). */
export const silentLogger: HarnessLogger = pino({ level: 'silent' }, { write: () => {} });

/** pino's own fields, left out of the readable line. */
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** A pino record as one line for people: `12:34:56.789 INFO container started | service: server | …`. */
export function readableLine(json: string): string {
  const record = JSON.parse(json) as Record<string, unknown>;
  const level = pino.levels.labels[Number(record.level)] ?? String(record.level);
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const details = Object.entries(record)
    .filter(([k, v]) => !OWN_FIELDS.has(k) && v !== undefined)
    .map(([k, v]) => ` | ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('');
  return `${time} ${level.toUpperCase()} ${String(record.msg ?? '')}${details}`;
}

class ReadableDestination implements DestinationStream {
  constructor(private readonly out: DestinationStream) {}
  write(json: string): void {
    this.out.write(`${readableLine(json)}\n`);
  }
}

/** A logger for the harness's events on stderr (fd 2), as NDJSON or readable lines. */
export function stderrLogger(format: HarnessLogFormat, level: pino.Level = 'info', fd = 2): HarnessLogger {
  const out = pino.destination({ dest: fd, sync: true });
  return pino({ level, base: { pid: process.pid } }, format === 'json' ? out : new ReadableDestination(out));
}
