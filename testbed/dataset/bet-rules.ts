/**
 * When is a row of an agency file a valid bet? The testbed's own answer, written from the SPEC
 * (§3: `first_name,last_name,document,birthdate,number`; a bet has names, a document of digits,
 * a real birth date and a number 0–9999) and the limits the README states, never from the
 * system's validator: the judge must not share the judged party's bugs.
 *
 *   fields      exactly five
 *   names       not blank; no control character; at most 100 characters and 255 UTF-8 bytes
 *   document    1 to 20 digits 0-9
 *   birthdate   YYYY-MM-DD, a real calendar date, from 1900-01-01 to today (UTC)
 *   number      1 to 4 digits (0 … 9999; leading zeros allowed)
 */

export const BET_FIELDS = 5;
export const MAX_NAME_CHARS = 100;
export const MAX_NAME_UTF8_BYTES = 255;
export const MAX_DOCUMENT_DIGITS = 20;
export const FIRST_BIRTH_YEAR = 1900;
export const WINNING_NUMBER = 7574;

/** C0 and C1 control characters, DEL included. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DIGITS = /^[0-9]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function nameProblem(label: string, value: string): string | undefined {
  if (value.trim() === '') return `${label} is empty`;
  if (CONTROL.test(value)) return `${label} holds a control character`;
  if (value.length > MAX_NAME_CHARS) return `${label} is longer than ${MAX_NAME_CHARS} characters`;
  if (new TextEncoder().encode(value).length > MAX_NAME_UTF8_BYTES) return `${label} is longer than ${MAX_NAME_UTF8_BYTES} UTF-8 bytes`;
  return undefined;
}

/** A real calendar date, by the calendar itself: the date must come back from Date.UTC unchanged. */
function dateProblem(value: string, today: Date): string | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return `birthdate "${value}" is not YYYY-MM-DD`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return `birthdate "${value}" is not a calendar date`;
  if (year < FIRST_BIRTH_YEAR) return `birthdate "${value}" is before ${FIRST_BIRTH_YEAR}`;
  if (value > today.toISOString().slice(0, 10)) return `birthdate "${value}" is in the future`;
  return undefined;
}

/** Why the row is not a valid bet (its first problem), or undefined when it is one. */
export function betProblem(fields: readonly string[], today: Date = new Date()): string | undefined {
  if (fields.length !== BET_FIELDS) return `${fields.length} fields, not ${BET_FIELDS}`;
  const [firstName, lastName, document, birthdate, number] = fields as [string, string, string, string, string];
  const names = nameProblem('first name', firstName) ?? nameProblem('last name', lastName);
  if (names) return names;
  if (!DIGITS.test(document)) return `document "${document}" is not all digits`;
  if (document.length > MAX_DOCUMENT_DIGITS) return `document is longer than ${MAX_DOCUMENT_DIGITS} digits`;
  const date = dateProblem(birthdate, today);
  if (date) return date;
  if (!DIGITS.test(number) || number.length > 4) return `number "${number}" is not an integer from 0 to 9999`;
  return undefined;
}

/** A valid bet wins when its number is 7574 (SPEC §3). */
export function isWinningNumber(number: string): boolean {
  return Number(number) === WINNING_NUMBER;
}
