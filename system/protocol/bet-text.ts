/**
 * How bets travel: as text. Each bet is its five fields (first name, last name, document,
 * birthdate, number) separated by US (0x1F) and ended by RS (0x1E), ASCII's own separators,
 * which no valid field holds. A batch carries the UTF-8 bytes of its bets' texts one after the
 * other (its wire bytes).
 *
 * Receivers do not cut the bytes into strings: `scanBets` finds where every field lies (byte
 * spans, as domain/validation-bytes reads them), and `betsOf` makes BetFields only on demand.
 */
import type { BetFields } from '../domain/bet.js';
import { RECORD_SEPARATOR, UNIT_SEPARATOR } from './constants.js';
import { MalformedMessageError } from './errors.js';
import type { MessageOf } from './messages.js';

export const US = String.fromCharCode(UNIT_SEPARATOR);
export const RS = String.fromCharCode(RECORD_SEPARATOR);
/** Numbers per bet in a spans array: [start, end) of each of the five fields. */
export const SPAN_WIDTH = 10;
/** Fields per bet, and the separators between them. */
const FIELDS = 5;
const LAST_FIELD = FIELDS - 1;

/** One bet's wire text. */
export function betText(bet: BetFields): string {
  return bet.firstName + US + bet.lastName + US + bet.document + US + bet.birthdate + US + bet.number + RS;
}

/**
 * Where the fields of exactly `count` bets lie in `bytes` (which must hold nothing else), as
 * byte offsets. Throws MalformedMessageError when a bet has not 5 fields or the count is off.
 * Fastest on a Buffer (the decoder's payloads, batchOf's): its indexOf is memchr, about twice
 * as fast here as a plain Uint8Array's indexOf or a loop over the bytes.
 */
export function scanBets(bytes: Uint8Array, count: number, what = 'batch'): Int32Array {
  const spans = new Int32Array(count * SPAN_WIDTH);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const end = bytes.indexOf(RECORD_SEPARATOR, pos);
    if (end === -1) throw new MalformedMessageError(`${what}: ${count} bets announced, ${i} found`);
    let start = pos;
    const at = i * SPAN_WIDTH;
    for (let f = 0; f < LAST_FIELD; f++) {
      const sep = bytes.indexOf(UNIT_SEPARATOR, start);
      if (sep === -1 || sep > end) throw new MalformedMessageError(`${what}: bet ${i + 1} does not have ${FIELDS} fields`);
      spans[at + 2 * f] = start;
      spans[at + 2 * f + 1] = sep;
      start = sep + 1;
    }
    const extra = bytes.indexOf(UNIT_SEPARATOR, start);
    if (extra !== -1 && extra < end) throw new MalformedMessageError(`${what}: bet ${i + 1} does not have ${FIELDS} fields`);
    spans[at + 8] = start;
    spans[at + 9] = end;
    pos = end + 1;
  }
  if (pos !== bytes.length) throw new MalformedMessageError(`${what}: ${bytes.length - pos} unexpected bytes after the ${count} bets announced`);
  return spans;
}

/** `bytes` as a Buffer over the same memory (no copy). */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The i-th bet of scanned wire bytes, as strings. */
export function betAt(bytes: Uint8Array, spans: Int32Array, i: number): BetFields {
  const buf = bufferOf(bytes);
  const at = i * SPAN_WIDTH;
  return {
    firstName: buf.toString('utf8', spans[at], spans[at + 1]),
    lastName: buf.toString('utf8', spans[at + 2], spans[at + 3]),
    document: buf.toString('utf8', spans[at + 4], spans[at + 5]),
    birthdate: buf.toString('utf8', spans[at + 6], spans[at + 7]),
    number: buf.toString('utf8', spans[at + 8], spans[at + 9]),
  };
}

/** Every bet of a batch message, as strings (for logs and tests; the server does not need them). */
export function betsOf(batch: Pick<MessageOf<'batch'>, 'bytes' | 'spans' | 'count'>): BetFields[] {
  return Array.from({ length: batch.count }, (_, i) => betAt(batch.bytes, batch.spans, i));
}

/** A batch message holding `bets`. */
export function batchOf(agency: number, firstIndex: number, bets: readonly BetFields[]): MessageOf<'batch'> {
  let text = '';
  for (const bet of bets) text += betText(bet);
  const bytes = Buffer.from(text, 'utf8');
  return { type: 'batch', agency, firstIndex, count: bets.length, bytes, spans: scanBets(bytes, bets.length) };
}
