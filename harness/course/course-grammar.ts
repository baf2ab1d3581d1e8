/**
 * The course's own reading of `docker compose logs` output, written from the README's tables
 * (not from the system's code):
 *
 *   client1  | 2026-01-01T12:00:00.000Z INFO action: receive_message | result: success | client_id: 1 | msg: …
 *   client1 exited with code 0
 *
 * - the source is the text before the first `|` (compose's prefix);
 * - the field holding `action:` and the next one (`result:`): each value is the text after the
 *   field's last `:`;
 * - every later field is a detail, split at its last `:`;
 * - a container exited when compose says `<container> exited with code N`, and also when a line's
 *   action is `exit` (result success counts as code 0): that name is reserved.
 * Values are taken as they are (no unescaping): the course does not unescape either. Pure.
 */

export interface CourseEvent {
  readonly kind: 'event';
  readonly source: string;
  /** The line's own ISO timestamp, when the field before `action:` starts with one (ms since the epoch). */
  readonly time: number | undefined;
  readonly action: string;
  readonly result: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface CourseExit {
  readonly kind: 'exit';
  readonly source: string;
  readonly code: number;
  /** Where the course saw it: compose's own line, or a line of the container with `action: exit`. */
  readonly via: 'compose' | 'action';
}

export type CourseLine = CourseEvent | CourseExit;

const EXITED = /^\s*([A-Za-z0-9][\w.-]*) exited with code (\d+)\s*$/;
const ISO_TIME = /^\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s/;

function afterLastColon(field: string): string {
  return field.slice(field.lastIndexOf(':') + 1).trim();
}

/** One line of compose output (terminal escapes already removed), or undefined when it is neither. */
export function parseCourseLine(line: string): CourseLine | undefined {
  const bar = line.indexOf('|');
  if (bar < 0) {
    const exit = EXITED.exec(line);
    return exit ? { kind: 'exit', source: exit[1] as string, code: Number(exit[2]), via: 'compose' } : undefined;
  }
  const source = line.slice(0, bar).trim();
  const fields = line.slice(bar + 1).split('|');
  const at = fields.findIndex((f) => /\baction\s*:/.test(f));
  if (at < 0 || at + 1 >= fields.length || !/^\s*result\s*:/.test(fields[at + 1] as string)) {
    // Compose v1 prints "client1 exited with code 0" without a prefix; v2 may prefix it.
    const exit = EXITED.exec(line.slice(bar + 1));
    return exit ? { kind: 'exit', source: exit[1] as string, code: Number(exit[2]), via: 'compose' } : undefined;
  }
  const head = fields[at] as string;
  const action = afterLastColon(head);
  const result = afterLastColon(fields[at + 1] as string);
  if (action === 'exit') return { kind: 'exit', source, code: result === 'success' ? 0 : 1, via: 'action' };
  const details: Record<string, string> = {};
  for (const field of fields.slice(at + 2)) {
    const colon = field.lastIndexOf(':');
    if (colon < 0) continue;
    details[field.slice(0, colon).trim()] = field.slice(colon + 1).trim();
  }
  const stamp = ISO_TIME.exec(head);
  const time = stamp ? Date.parse(stamp[1] as string) : undefined;
  return { kind: 'event', source, time: Number.isNaN(time) ? undefined : time, action, result, details };
}
