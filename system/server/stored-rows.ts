/**
 * bets.csv lines from a batch's wire text: `agency,first_name,last_name,document,birthdate,number`.
 *
 * Fast path: when no name needs quoting and no number has leading zeros, the lines are the wire
 * text itself with its separators replaced (US → `,`, RS → line break and the next agency
 * prefix): two replaceAll over the batch, no per-bet strings. Otherwise each bet is written
 * field by field with RFC 4180 quoting. Bets must have been validated (no control characters).
 */
import { formatField } from '../csv/csv-parser.js';
import { isTrimmed } from '../domain/validation.js';
import { RS, SPAN_WIDTH, US } from '../protocol/bet-text.js';

const COMMA = 44;
const QUOTE = 34;
const ZERO = 48;

/** Would formatField leave this name as it is? (Validated names hold no line breaks.) */
function plainName(text: string, from: number, to: number): boolean {
  if (to <= from || isTrimmed(text.charCodeAt(from)) || isTrimmed(text.charCodeAt(to - 1))) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === QUOTE) return false;
  }
  return true;
}

function plainBet(text: string, spans: Int32Array, at: number): boolean {
  const numberFrom = spans[at + 8] as number;
  const numberTo = spans[at + 9] as number;
  if (numberTo - numberFrom > 1 && text.charCodeAt(numberFrom) === ZERO) return false;
  return plainName(text, spans[at] as number, spans[at + 1] as number) && plainName(text, spans[at + 2] as number, spans[at + 3] as number);
}

function slowRow(prefix: string, text: string, spans: Int32Array, at: number): string {
  const first = text.slice(spans[at], spans[at + 1]);
  const last = text.slice(spans[at + 2], spans[at + 3]);
  const rest = `${text.slice(spans[at + 4], spans[at + 5])},${text.slice(spans[at + 6], spans[at + 7])}`;
  return `${prefix}${formatField(first)},${formatField(last)},${rest},${Number(text.slice(spans[at + 8], spans[at + 9]))}\n`;
}

/** The lines of bets `from` … `count - 1` of a scanned batch text, for `agency`. */
export function storedRows(agency: number, text: string, spans: Int32Array, from: number, count: number): string {
  if (from >= count) return '';
  const prefix = `${agency},`;
  let plain = true;
  for (let i = from; i < count && plain; i++) plain = plainBet(text, spans, i * SPAN_WIDTH);
  if (plain) {
    const start = from === 0 ? 0 : (spans[from * SPAN_WIDTH] as number);
    const body = (start === 0 ? text : text.slice(start)).replaceAll(US, ',').replaceAll(RS, `\n${prefix}`);
    return prefix + body.slice(0, body.length - prefix.length);
  }
  let rows = '';
  for (let i = from; i < count; i++) rows += slowRow(prefix, text, spans, i * SPAN_WIDTH);
  return rows;
}
