import type { Bet, BetFields } from './bet.js';
import { MAX_AGENCY_ID, MAX_BET_NUMBER } from './bet.js';

/** Longest name or document accepted, in characters (the wire caps fields at 255 bytes). */
export const MAX_NAME_LENGTH = 100;
/** Longest name accepted, in UTF-8 bytes: a wire field carries at most 255 (100 characters of `€` would be 300). */
export const MAX_NAME_BYTES = 0xff;
export const MAX_DOCUMENT_LENGTH = 20;
/** The earliest birth year accepted. */
export const MIN_BIRTH_YEAR = 1900;

export type Validation = { readonly ok: true; readonly bet: Bet } | { readonly ok: false; readonly reason: string };

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

function allDigits(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`; 0 for a month that does not exist. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The characters String.prototype.trim removes. */
export function isTrimmed(c: number): boolean {
  return (
    c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

let cachedToday = '';

/** Today as YYYY-MM-DD (UTC). */
function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** text[from..from+10) > iso, comparing as strings do. */
function after(text: string, from: number, iso: string): boolean {
  for (let i = 0; i < 10; i++) {
    const a = text.charCodeAt(from + i);
    const b = iso.charCodeAt(i);
    if (a !== b) return a > b;
  }
  return false;
}

/** Is the YYYY-MM-DD at `from` after today? Reads the clock only for dates past the last day seen. */
function isFuture(text: string, from: number, today: Date | undefined): boolean {
  if (today) return after(text, from, isoDate(today));
  if (cachedToday !== '' && !after(text, from, cachedToday)) return false;
  cachedToday = isoDate(new Date());
  return after(text, from, cachedToday);
}

function checkBirthdateSpan(text: string, from: number, to: number, today: Date | undefined): string | undefined {
  const ok = to - from === 10 && text.charCodeAt(from + 4) === 45 && text.charCodeAt(from + 7) === 45;
  const year = ok ? digitsAt(text, from, from + 4) : -1;
  const month = year < 0 ? -1 : digitsAt(text, from + 5, from + 7);
  const day = month < 0 ? -1 : digitsAt(text, from + 8, from + 10);
  if (day < 0) return `birthdate "${text.slice(from, to)}" is not YYYY-MM-DD`;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `birthdate "${text.slice(from, to)}" is not a calendar date`;
  if (year < MIN_BIRTH_YEAR) return `birthdate "${text.slice(from, to)}" is before ${MIN_BIRTH_YEAR}`;
  if (isFuture(text, from, today)) return `birthdate "${text.slice(from, to)}" is in the future`;
  return undefined;
}

/** A real calendar date (2023-02-29 is not one), not in the future and not before 1900. */
export function checkBirthdate(value: string, today?: Date): string | undefined {
  return checkBirthdateSpan(value, 0, value.length, today);
}

function checkNameSpan(label: string, text: string, from: number, to: number): string | undefined {
  let blank = true;
  let control = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (blank && !isTrimmed(c)) blank = false;
    if (c <= 0x9f && (c <= 0x1f || c >= 0x7f)) control = true;
  }
  if (blank) return `${label} is empty`;
  if (to - from > MAX_NAME_LENGTH) return `${label} is longer than ${MAX_NAME_LENGTH} characters`;
  if (to - from > SAFE_NAME_UNITS && utf8Length(text.slice(from, to)) > MAX_NAME_BYTES) return `${label} is longer than ${MAX_NAME_BYTES} UTF-8 bytes`;
  if (control) return `${label} holds a control character`;
  return undefined;
}

/**
 * Where one bet's five fields lie in a text, as [start, end) pairs in BetFields order
 * (first name, last name, document, birthdate, number), from `at` on: 10 numbers.
 */
export type FieldSpans = ArrayLike<number>;

/**
 * Why the bet whose fields lie at `spans[at…at+9]` of `text` is invalid (the first field that is
 * wrong), or undefined if it is valid. Reads the text in place: nothing is allocated for a valid bet.
 */
export function checkBetSpans(agency: number, text: string, spans: FieldSpans, at = 0, today?: Date): string | undefined {
  if (!isValidAgency(agency)) return `agency ${agency} is not a positive integer`;
  // Plain locals, no helper closure: this runs for every bet the server receives.
  const documentFrom = spans[at + 4] as number;
  const documentTo = spans[at + 5] as number;
  const numberFrom = spans[at + 8] as number;
  const numberTo = spans[at + 9] as number;
  const nameProblem =
    checkNameSpan('first name', text, spans[at] as number, spans[at + 1] as number) ??
    checkNameSpan('last name', text, spans[at + 2] as number, spans[at + 3] as number);
  if (nameProblem) return nameProblem;
  if (!allDigits(text, documentFrom, documentTo)) return `document "${text.slice(documentFrom, documentTo)}" is not all digits`;
  if (documentTo - documentFrom > MAX_DOCUMENT_LENGTH) return `document is longer than ${MAX_DOCUMENT_LENGTH} digits`;
  const dateProblem = checkBirthdateSpan(text, spans[at + 6] as number, spans[at + 7] as number, today);
  if (dateProblem) return dateProblem;
  if (!allDigits(text, numberFrom, numberTo) || numberTo - numberFrom > 4) {
    return `number "${text.slice(numberFrom, numberTo)}" is not an integer from 0 to ${MAX_BET_NUMBER}`;
  }
  return undefined;
}

/** Why the bet of `agency` is invalid (the first field that is wrong), or undefined if it is valid. */
export function checkBet(agency: number, fields: BetFields, today?: Date): string | undefined {
  const { firstName: a, lastName: b, document: c, birthdate: d, number: e } = fields;
  const spans = [0, a.length];
  spans.push(spans[1] as number, (spans[1] as number) + b.length);
  spans.push(spans[3] as number, (spans[3] as number) + c.length);
  spans.push(spans[5] as number, (spans[5] as number) + d.length);
  spans.push(spans[7] as number, (spans[7] as number) + e.length);
  return checkBetSpans(agency, a + b + c + d + e, spans, 0, today);
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
