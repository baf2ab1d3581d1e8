/**
 * How bets travel: as text. Each bet is its five fields (first name, last name, document,
 * birthdate, number) separated by US (0x1F) and ended by RS (0x1E), ASCII's own separators,
 * which no valid field holds. A batch carries the bets' texts one after the other.
 *
 * Receivers do not cut the text into strings: `scanBets` finds where every field lies (spans,
 * as domain/validation's checkBetSpans reads them), and `betsOf` makes BetFields only on demand.
 */
import type { BetFields } from '../domain/bet.js';
import { RECORD_SEPARATOR, UNIT_SEPARATOR } from './constants.js';
import { MalformedMessageError } from './errors.js';
import type { MessageOf } from './messages.js';

export const US = String.fromCharCode(UNIT_SEPARATOR);
export const RS = String.fromCharCode(RECORD_SEPARATOR);
/** Numbers per bet in a spans array: [start, end) of each of the five fields. */
export const SPAN_WIDTH = 10;

/** One bet's wire text. */
export function betText(bet: BetFields): string {
  return bet.firstName + US + bet.lastName + US + bet.document + US + bet.birthdate + US + bet.number + RS;
}

/**
 * Where the fields of exactly `count` bets lie in `text` (which must hold nothing else).
 * Throws MalformedMessageError when a bet has not 5 fields or the count is off.
 */
export function scanBets(text: string, count: number, what = 'batch'): Int32Array {
  const spans = new Int32Array(count * SPAN_WIDTH);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const end = text.indexOf(RS, pos);
    if (end === -1) throw new MalformedMessageError(`${what}: ${count} bets announced, ${i} found`);
    let start = pos;
    const at = i * SPAN_WIDTH;
    for (let f = 0; f < 4; f++) {
      const sep = text.indexOf(US, start);
      if (sep === -1 || sep > end) throw new MalformedMessageError(`${what}: bet ${i + 1} does not have 5 fields`);
      spans[at + 2 * f] = start;
      spans[at + 2 * f + 1] = sep;
      start = sep + 1;
    }
    const extra = text.indexOf(US, start);
    if (extra !== -1 && extra < end) throw new MalformedMessageError(`${what}: bet ${i + 1} does not have 5 fields`);
    spans[at + 8] = start;
    spans[at + 9] = end;
    pos = end + 1;
  }
  if (pos !== text.length) throw new MalformedMessageError(`${what}: ${text.length - pos} unexpected bytes after the ${count} bets announced`);
  return spans;
}

/** The i-th bet of a scanned text, as strings. */
export function betAt(text: string, spans: Int32Array, i: number): BetFields {
  const at = i * SPAN_WIDTH;
  return {
    firstName: text.slice(spans[at], spans[at + 1]),
    lastName: text.slice(spans[at + 2], spans[at + 3]),
    document: text.slice(spans[at + 4], spans[at + 5]),
    birthdate: text.slice(spans[at + 6], spans[at + 7]),
    number: text.slice(spans[at + 8], spans[at + 9]),
  };
}

/** Every bet of a batch message, as strings (for logs and tests; the server does not need them). */
export function betsOf(batch: Pick<MessageOf<'batch'>, 'text' | 'spans' | 'count'>): BetFields[] {
  return Array.from({ length: batch.count }, (_, i) => betAt(batch.text, batch.spans, i));
}

/** A batch message holding `bets`. */
export function batchOf(agency: number, firstIndex: number, bets: readonly BetFields[]): MessageOf<'batch'> {
  let text = '';
  for (const bet of bets) text += betText(bet);
  return { type: 'batch', agency, firstIndex, count: bets.length, text, spans: scanBets(text, bets.length) };
}
