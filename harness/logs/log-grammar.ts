/**
 * The course's log grammar (SPEC §4), as its black-box tests read it:
 *
 *   <timestamp> <LEVEL> action: <name> | result: <success|fail|in_progress> | <key>: <value> | …
 *
 * Split on `|`; the action and the result are what follows the last `:` of their part; each
 * detail splits at its last `:` (the system escapes `:` in values, so first and last agree).
 * Also read: compose's `<container> exited with code N` lines. Pure: no I/O.
 *
 * Written from the README's table of escapes, not from the system's logger:
 *
 *   in a value   written as
 *   \            \\
 *   |            \x7c
 *   :            \x3a
 *   CR           \r
 *   LF           \n
 */

/** The README's escapes, each sequence and the character it stands for. */
export const VALUE_ESCAPES: Readonly<Record<string, string>> = { '\\\\': '\\', '\\x7c': '|', '\\x3a': ':', '\\r': '\r', '\\n': '\n' };

const ESCAPE_SEQUENCE = /\\(?:\\|x7c|x3a|r|n)/g;

/** A value as the process meant it: every escape sequence of the README's table undone, left to right. */
export function unescapeValue(value: string): string {
  return value.includes('\\') ? value.replace(ESCAPE_SEQUENCE, (seq) => VALUE_ESCAPES[seq] as string) : value;
}

export interface LogEvent {
  /** The line's own timestamp, when it has one. */
  readonly time: string | undefined;
  readonly level: string | undefined;
  readonly action: string;
  readonly result: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface ExitLine {
  readonly container: string;
  readonly code: number;
}

/** The parts after `action` and `result`, each split at its last `:`. */
function afterLastColon(part: string): string {
  return part.slice(part.lastIndexOf(':') + 1).trim();
}

/** A course log line, or undefined for any other line (a stack trace, compose's own chatter). */
export function parseLogLine(line: string): LogEvent | undefined {
  const parts = line.split('|');
  // A compose prefix ("client1  | …") is a part before the one holding `action:`.
  const first = parts.findIndex((p) => /\baction\s*:/.test(p));
  if (first < 0 || first + 1 >= parts.length) return undefined;
  const head = parts[first] as string;
  const resultPart = parts[first + 1] as string;
  if (!/^\s*result\s*:/.test(resultPart)) return undefined;
  const actionAt = head.search(/\baction\s*:/);
  const prefix = head.slice(0, actionAt).trim().split(/\s+/).filter(Boolean);
  const details: Record<string, string> = {};
  for (const part of parts.slice(first + 2)) {
    const colon = part.lastIndexOf(':');
    if (colon < 0) continue;
    details[part.slice(0, colon).trim()] = unescapeValue(part.slice(colon + 1).trim());
  }
  return {
    time: prefix.length >= 2 ? prefix[prefix.length - 2] : undefined,
    level: prefix.length >= 1 ? prefix[prefix.length - 1] : undefined,
    action: unescapeValue(afterLastColon(head)),
    result: afterLastColon(resultPart),
    details,
  };
}

/** `client1 exited with code 0` (docker-compose 1.x and 2.x; a compose prefix is allowed). */
export function parseExitLine(line: string): ExitLine | undefined {
  const m = /(?:^|\|\s*|\s)([A-Za-z0-9][\w.-]*) exited with code (\d+)\s*$/.exec(line.trim());
  return m ? { container: m[1] as string, code: Number(m[2]) } : undefined;
}

/** A detail as a number; NaN when absent or not numeric. */
export function numberDetail(event: LogEvent, key: string): number {
  const v = event.details[key];
  return v === undefined || v === '' ? NaN : Number(v);
}
