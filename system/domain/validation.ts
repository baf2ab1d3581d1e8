import type { Bet, BetFields } from './bet.js';
import { MAX_AGENCY_ID, MAX_BET_NUMBER } from './bet.js';

/** Longest name or document accepted, in characters (the wire caps fields at 255 bytes). */
export const MAX_NAME_LENGTH = 100;
/** Longest name accepted, in UTF-8 bytes: a wire field carries at most 255 (100 characters of `€` would be 300). */
export const MAX_NAME_BYTES = 0xff;
export const MAX_DOCUMENT_LENGTH = 20;

export type Validation = { readonly ok: true; readonly bet: Bet } | { readonly ok: false; readonly reason: string };

// C0 and C1 control characters (line breaks among them): a name is one line of text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DIGITS = /^[0-9]+$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Strings of at most this many UTF-16 units cannot exceed MAX_NAME_BYTES in UTF-8 (3 bytes per unit at most). */
const SAFE_NAME_UNITS = Math.floor(MAX_NAME_BYTES / 3);

export function isValidAgency(agency: number): boolean {
  return Number.isInteger(agency) && agency >= 1 && agency <= MAX_AGENCY_ID;
}

/** UTF-8 length of a string, without any I/O type (the domain stays pure). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Reads value[from..to) as a decimal number; -1 if any character is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

let cachedToday = '';

/** Today as YYYY-MM-DD (UTC). */
function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Is `value` (YYYY-MM-DD) after today? Reads the clock only for dates past the last day seen. */
function isFuture(value: string, today: Date | undefined): boolean {
  if (today) return value > isoDate(today);
  if (value <= cachedToday) return false;
  cachedToday = isoDate(new Date());
  return value > cachedToday;
}

/** A real calendar date (2023-02-29 is not one), not in the future and not before 1900. */
export function checkBirthdate(value: string, today?: Date): string | undefined {
  const year = value.length === 10 && value[4] === '-' && value[7] === '-' ? digitsAt(value, 0, 4) : -1;
  const month = year < 0 ? -1 : digitsAt(value, 5, 7);
  const day = month < 0 ? -1 : digitsAt(value, 8, 10);
  if (day < 0) return `birthdate "${value}" is not YYYY-MM-DD`;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > days) return `birthdate "${value}" is not a calendar date`;
  if (year < 1900) return `birthdate "${value}" is before 1900`;
  // ISO dates compare as strings.
  if (isFuture(value, today)) return `birthdate "${value}" is in the future`;
  return undefined;
}

function checkName(label: string, value: string): string | undefined {
  if (value.trim() === '') return `${label} is empty`;
  if (value.length > MAX_NAME_LENGTH) return `${label} is longer than ${MAX_NAME_LENGTH} characters`;
  if (value.length > SAFE_NAME_UNITS && utf8Length(value) > MAX_NAME_BYTES) return `${label} is longer than ${MAX_NAME_BYTES} UTF-8 bytes`;
  if (CONTROL.test(value)) return `${label} holds a control character`;
  return undefined;
}

/** Why the bet of `agency` is invalid (the first field that is wrong), or undefined if it is valid. */
export function checkBet(agency: number, fields: BetFields, today?: Date): string | undefined {
  if (!isValidAgency(agency)) return `agency ${agency} is not a positive integer`;
  const nameProblem = checkName('first name', fields.firstName) ?? checkName('last name', fields.lastName);
  if (nameProblem) return nameProblem;
  if (!DIGITS.test(fields.document)) return `document "${fields.document}" is not all digits`;
  if (fields.document.length > MAX_DOCUMENT_LENGTH) return `document is longer than ${MAX_DOCUMENT_LENGTH} digits`;
  const dateProblem = checkBirthdate(fields.birthdate, today);
  if (dateProblem) return dateProblem;
  if (!DIGITS.test(fields.number) || fields.number.length > 4 || Number(fields.number) > MAX_BET_NUMBER) {
    return `number "${fields.number}" is not an integer from 0 to ${MAX_BET_NUMBER}`;
  }
  return undefined;
}

/** Validates one bet of `agency`; the reason names the first field that is wrong. */
export function validateBet(agency: number, fields: BetFields, today?: Date): Validation {
  const reason = checkBet(agency, fields, today);
  if (reason !== undefined) return { ok: false, reason };
  return {
    ok: true,
    bet: {
      agency,
      firstName: fields.firstName,
      lastName: fields.lastName,
      document: fields.document,
      birthdate: fields.birthdate,
      number: Number(fields.number),
    },
  };
}
