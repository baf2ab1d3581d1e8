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
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidAgency(agency: number): boolean {
  return Number.isInteger(agency) && agency >= 1 && agency <= MAX_AGENCY_ID;
}

/** A real calendar date (2023-02-29 is not one), not in the future and not before 1900. */
export function checkBirthdate(value: string, today: Date = new Date()): string | undefined {
  const m = DATE.exec(value);
  if (!m) return `birthdate "${value}" is not YYYY-MM-DD`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return `birthdate "${value}" is not a calendar date`;
  }
  if (year < 1900) return `birthdate "${value}" is before 1900`;
  if (date.getTime() > today.getTime()) return `birthdate "${value}" is in the future`;
  return undefined;
}

function checkName(label: string, value: string): string | undefined {
  if (value.trim() === '') return `${label} is empty`;
  if (value.length > MAX_NAME_LENGTH) return `${label} is longer than ${MAX_NAME_LENGTH} characters`;
  if (Buffer.byteLength(value, 'utf8') > MAX_NAME_BYTES) return `${label} is longer than ${MAX_NAME_BYTES} UTF-8 bytes`;
  if (CONTROL.test(value)) return `${label} holds a control character`;
  return undefined;
}

/** Validates one bet of `agency`; the reason names the first field that is wrong. */
export function validateBet(agency: number, fields: BetFields, today?: Date): Validation {
  if (!isValidAgency(agency)) return { ok: false, reason: `agency ${agency} is not a positive integer` };
  const nameProblem = checkName('first name', fields.firstName) ?? checkName('last name', fields.lastName);
  if (nameProblem) return { ok: false, reason: nameProblem };
  if (!DIGITS.test(fields.document)) return { ok: false, reason: `document "${fields.document}" is not all digits` };
  if (fields.document.length > MAX_DOCUMENT_LENGTH) {
    return { ok: false, reason: `document is longer than ${MAX_DOCUMENT_LENGTH} digits` };
  }
  const dateProblem = checkBirthdate(fields.birthdate, today);
  if (dateProblem) return { ok: false, reason: dateProblem };
  if (!DIGITS.test(fields.number) || fields.number.length > 4 || Number(fields.number) > MAX_BET_NUMBER) {
    return { ok: false, reason: `number "${fields.number}" is not an integer from 0 to ${MAX_BET_NUMBER}` };
  }
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
