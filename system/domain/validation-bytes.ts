/**
 * The bet rules of validation.ts, read on a bet's UTF-8 bytes instead of its text: the agency
 * client checks every row of its file here without making a string of it.
 *
 * It answers only yes or "ask the text rules": `isValidBetBytes` is true exactly when
 * checkBetSpans would accept the text these bytes decode to, and false for every bet it would
 * refuse and for bytes that are not well-formed UTF-8 (a decoder would put U+FFFD in their
 * place). A caller that gets false decodes the bet and asks checkBetSpans, which gives the
 * reason (or, for malformed UTF-8, may accept what the decoder made of it).
 */
import type { FieldSpans } from './validation.js';
import { MAX_BET_NUMBER } from './bet.js';
import { daysInMonth, isTrimmed, MAX_DOCUMENT_LENGTH, MAX_NAME_BYTES, MAX_NAME_LENGTH, MIN_BIRTH_YEAR } from './validation.js';

const DIGIT_0 = 0x30;
const DASH = 0x2d;
/** Longest number, in digits (0 … MAX_BET_NUMBER); a longer one with leading zeros is left to the text rules. */
const MAX_NUMBER_DIGITS = String(MAX_BET_NUMBER).length;

/**
 * Whether the name in bytes[from, to) is well-formed UTF-8 that the text rules accept: not
 * blank (String.trim's white space only), at most MAX_NAME_LENGTH UTF-16 units and
 * MAX_NAME_BYTES bytes, no control character (C0, DEL, C1).
 */
function nameOk(b: Uint8Array, from: number, to: number): boolean {
  if (to - from > MAX_NAME_BYTES) return false;
  let units = 0;
  let blank = true;
  let i = from;
  while (i < to) {
    const c = b[i] as number;
    let cp: number;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
      const c1 = b[i + 1] as number;
      if (i + 1 >= to || (c1 & 0xc0) !== 0x80) return false;
      cp = ((c & 0x1f) << 6) | (c1 & 0x3f);
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const c1 = b[i + 1] as number;
      const c2 = b[i + 2] as number;
      // E0 needs A0…BF after it (no overlong form), ED 80…9F (no surrogate).
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      if (i + 2 >= to || c1 < lo || c1 > hi || (c2 & 0xc0) !== 0x80) return false;
      cp = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const c1 = b[i + 1] as number;
      // F0 needs 90…BF after it (no overlong form), F4 80…8F (nothing past U+10FFFF).
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (i + 3 >= to || c1 < lo || c1 > hi || ((b[i + 2] as number) & 0xc0) !== 0x80 || ((b[i + 3] as number) & 0xc0) !== 0x80) return false;
      // A surrogate pair: two UTF-16 units, neither of them white space nor a control.
      units += 2;
      blank = false;
      i += 4;
      continue;
    } else {
      return false;
    }
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return false;
    if (blank && !isTrimmed(cp)) blank = false;
    units++;
  }
  return !blank && units <= MAX_NAME_LENGTH;
}

/** bytes[from, to) as a decimal number of at least one and at most `maxDigits` ASCII digits; -1 otherwise. */
function digitsAt(b: Uint8Array, from: number, to: number, maxDigits: number): number {
  if (to <= from || to - from > maxDigits) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = (b[i] as number) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Today as the number YYYYMMDD (UTC), as the text rules see it. */
function dayNumber(date: Date): number {
  return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

let cachedToday = -1;

/** Is the day YYYYMMDD after today? Reads the clock only for days past the last today seen. */
function isFuture(day: number, today: Date | undefined): boolean {
  if (today) return day > dayNumber(today);
  if (day <= cachedToday) return false;
  cachedToday = dayNumber(new Date());
  return day > cachedToday;
}

/** A YYYY-MM-DD calendar date from 1900 to today. */
function birthdateOk(b: Uint8Array, from: number, to: number, today: Date | undefined): boolean {
  if (to - from !== 10 || b[from + 4] !== DASH || b[from + 7] !== DASH) return false;
  const year = digitsAt(b, from, from + 4, 4);
  const month = digitsAt(b, from + 5, from + 7, 2);
  const day = digitsAt(b, from + 8, from + 10, 2);
  if (year < MIN_BIRTH_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return !isFuture(year * 10_000 + month * 100 + day, today);
}

/**
 * True when the bet whose fields lie at `spans[at…at+9]` of `bytes` (UTF-8) is one that
 * checkBetSpans accepts for a valid agency; false when it refuses it or the bytes are not
 * well-formed UTF-8 (ask checkBetSpans on the decoded text). The agency is the caller's to check.
 */
export function isValidBetBytes(bytes: Uint8Array, spans: FieldSpans, at = 0, today?: Date): boolean {
  return (
    nameOk(bytes, spans[at] as number, spans[at + 1] as number) &&
    nameOk(bytes, spans[at + 2] as number, spans[at + 3] as number) &&
    digitsAt(bytes, spans[at + 4] as number, spans[at + 5] as number, MAX_DOCUMENT_LENGTH) !== -1 &&
    birthdateOk(bytes, spans[at + 6] as number, spans[at + 7] as number, today) &&
    digitsAt(bytes, spans[at + 8] as number, spans[at + 9] as number, MAX_NUMBER_DIGITS) !== -1
  );
}
