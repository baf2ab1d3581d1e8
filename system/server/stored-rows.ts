/**
 * bets.csv lines from a batch's wire bytes: `agency,first_name,last_name,document,birthdate,number`
 * and a line feed per bet, as UTF-8 bytes. They are the bytes of what csv-parser's formatRow
 * makes of each bet's decoded fields: a name quoted as formatField quotes it (when it holds `"`,
 * `,`, CR or LF, or starts or ends with white space as String.trim sees it, multi-byte white
 * space included), `"` doubled inside the quotes; the number as Number() prints it (no leading
 * zeros). Bets must have been validated: well-formed UTF-8 names, a digits-only document and
 * number, a YYYY-MM-DD birthdate; those three are copied as they are.
 *
 * The bytes are copied one by one into a scratch buffer sized beforehand from a bound on the
 * batch's lines, then copied out at their exact size: what waits in the store's queue holds
 * nothing more than its lines. No string is made.
 */
import { isTrimmed } from '../domain/validation.js';
import { SPAN_WIDTH } from '../protocol/bet-text.js';

const COMMA = 0x2c;
const QUOTE = 0x22;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DIGIT_0 = 0x30;
/** A UTF-8 continuation byte is 10xxxxxx. */
const CONTINUATION_MASK = 0xc0;
const CONTINUATION = 0x80;
/** Opening and closing quotes of both names: what a line may add besides the agency prefix and doubled quotes. */
const NAME_QUOTES_PER_LINE = 4;
/** No white space lies outside the Basic Multilingual Plane: any 4-byte character reads as this. */
const ASTRAL = 0x10000;
const NO_ROWS = Buffer.alloc(0);

/** The code point whose UTF-8 starts at b[i] (ASTRAL for any of 4 bytes). */
function codePointAt(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return c;
  if (c < 0xe0) return ((c & 0x1f) << 6) | ((b[i + 1] as number) & 0x3f);
  if (c < 0xf0) return ((c & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6) | ((b[i + 2] as number) & 0x3f);
  return ASTRAL;
}

/** The code point that ends at b[to - 1], no further back than `from`. */
function codePointBefore(b: Uint8Array, from: number, to: number): number {
  let start = to - 1;
  while (start > from && ((b[start] as number) & CONTINUATION_MASK) === CONTINUATION) start--;
  return codePointAt(b, start);
}

/** Copies b[from, to) to out[p…]; returns where it ended. */
function copy(out: Uint8Array, p: number, b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) out[p++] = b[i] as number;
  return p;
}

/** Writes b[from, to) in quotes, `"` doubled. */
function writeQuoted(out: Uint8Array, p: number, b: Uint8Array, from: number, to: number): number {
  out[p++] = QUOTE;
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if (c === QUOTE) out[p++] = QUOTE;
    out[p++] = c;
  }
  out[p++] = QUOTE;
  return p;
}

/**
 * Writes the name in b[from, to) as formatField writes it: quoted when it holds `"`, `,`, CR or
 * LF or starts or ends with white space, as it is otherwise. It copies while it looks, and
 * writes the name again, quoted, from where it started if it meets a byte that needs quotes.
 */
function writeName(out: Uint8Array, p: number, b: Uint8Array, from: number, to: number): number {
  if (to <= from) return p;
  if (isTrimmed(codePointAt(b, from)) || isTrimmed(codePointBefore(b, from, to))) return writeQuoted(out, p, b, from, to);
  const start = p;
  for (let i = from; i < to; i++) {
    const c = b[i] as number;
    if (c === QUOTE || c === COMMA || c === LINE_FEED || c === CARRIAGE_RETURN) return writeQuoted(out, start, b, from, to);
    out[p++] = c;
  }
  return p;
}

/** Writes the line of the bet whose fields lie at spans[at…at+9] of b; returns where it ended. */
function writeLine(out: Uint8Array, p: number, prefix: Uint8Array, b: Uint8Array, spans: Int32Array, at: number): number {
  p = copy(out, p, prefix, 0, prefix.length);
  p = writeName(out, p, b, spans[at] as number, spans[at + 1] as number);
  out[p++] = COMMA;
  p = writeName(out, p, b, spans[at + 2] as number, spans[at + 3] as number);
  out[p++] = COMMA;
  p = copy(out, p, b, spans[at + 4] as number, spans[at + 5] as number);
  out[p++] = COMMA;
  p = copy(out, p, b, spans[at + 6] as number, spans[at + 7] as number);
  out[p++] = COMMA;
  // As Number() prints it: its leading zeros dropped, one digit kept.
  let numberFrom = spans[at + 8] as number;
  const numberTo = spans[at + 9] as number;
  while (numberTo - numberFrom > 1 && b[numberFrom] === DIGIT_0) numberFrom++;
  p = copy(out, p, b, numberFrom, numberTo);
  out[p++] = LINE_FEED;
  return p;
}

/** Writes bets.csv lines of batches, reusing one scratch buffer (one writer per server). */
export class StoredRowsWriter {
  private scratch: Buffer;
  private prefixAgency = -1;
  private prefix: Buffer = NO_ROWS;

  constructor(initialBytes = 0) {
    this.scratch = Buffer.allocUnsafeSlow(initialBytes);
  }

  /**
   * The lines of bets `from` … `count - 1` of wire bytes scanned into `spans` (as scanBets
   * makes them: in order, within `bytes`), for `agency`: a buffer of exactly their size.
   */
  rows(agency: number, bytes: Uint8Array, spans: Int32Array, from: number, count: number): Buffer {
    if (from >= count) return NO_ROWS;
    if (agency !== this.prefixAgency) {
      this.prefix = Buffer.from(`${agency},`, 'latin1');
      this.prefixAgency = agency;
    }
    const prefix = this.prefix;
    // Every wire byte of the bets gives at most two (a quote doubled; a separator gives one).
    const wireBytes = (spans[(count - 1) * SPAN_WIDTH + 9] as number) + 1 - (spans[from * SPAN_WIDTH] as number);
    const bound = (count - from) * (prefix.length + NAME_QUOTES_PER_LINE) + 2 * wireBytes;
    if (bound > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(Math.max(bound, 2 * this.scratch.length));
    const out = this.scratch;
    let p = 0;
    for (let i = from; i < count; i++) p = writeLine(out, p, prefix, bytes, spans, i * SPAN_WIDTH);
    if (p > bound) throw new RangeError(`bets.csv lines took ${p} bytes, more than their bound of ${bound}: spans not as scanBets makes them`);
    const rows = Buffer.allocUnsafeSlow(p);
    out.copy(rows, 0, 0, p);
    return rows;
  }
}
