/**
 * CsvParser's reading of one row, on bytes, for rows that take a single line: the fields'
 * contents are copied out (quotes taken off, `""` made `"`), one after the other, each
 * followed by a delimiter byte, and where each lies is noted. No string is made.
 *
 * It reads only what CsvParser reads the same way and says so: a row whose quoted field runs
 * past the line, a character after a closing quote, a row of another field count, or a line
 * that is not all in the buffer yet comes back as NOT_SIMPLE or NEEDS_MORE, for CsvParser
 * (on the decoded text) to read. The bytes are taken as they are: the caller checks that what
 * it keeps is well-formed UTF-8.
 */

const QUOTE_BYTE = 0x22;
const COMMA_BYTE = 0x2c;
const LF_BYTE = 0x0a;
const CR_BYTE = 0x0d;

/** The line does not end inside the buffer: read it again with more bytes. */
export const NEEDS_MORE = -1;
/** CsvParser must read this row (several lines, malformed, or not `fields` fields). */
export const NOT_SIMPLE = -2;

/** Where a line's fields went: set by scanLine. */
export interface LineFields {
  /** End of what was written to `out` (after the last delimiter); unchanged for an empty line. */
  outEnd: number;
  /** [start, end) of each field's content in `out`; untouched for an empty line. */
  readonly spans: Int32Array;
}

/**
 * Reads the line of `src` that starts at `pos` (up to `end`, exclusive) as a row of exactly
 * `fields` fields, writing each field's content to `out` from `at` on followed by `sep`, the
 * last one by `term` (room for the line's length + 1 bytes must be there). Returns the
 * position after the line's LF — an empty line (as CsvParser skips it) writes nothing — or
 * NEEDS_MORE or NOT_SIMPLE.
 */
export function scanLine(src: Uint8Array, pos: number, end: number, fields: number, sep: number, term: number, out: Uint8Array, at: number, into: LineFields): number {
  const spans = into.spans;
  let i = pos;
  let o = at;
  let field = 0;
  let sawQuote = false;
  for (;;) {
    const fieldStart = o;
    if (i >= end) return NEEDS_MORE;
    let c = src[i] as number;
    if (c === QUOTE_BYTE) {
      // A quoted field, closed on this line by a quote not doubled.
      sawQuote = true;
      i++;
      for (;;) {
        if (i >= end) return NEEDS_MORE;
        c = src[i++] as number;
        if (c === QUOTE_BYTE) {
          if (i >= end) return NEEDS_MORE;
          if (src[i] !== QUOTE_BYTE) break;
          i++;
        } else if (c === LF_BYTE) {
          return NOT_SIMPLE;
        }
        out[o++] = c;
      }
      c = src[i] as number;
      if (c === CR_BYTE) {
        if (i + 1 >= end) return NEEDS_MORE;
        if (src[i + 1] !== LF_BYTE) return NOT_SIMPLE;
        c = LF_BYTE;
        i++;
      } else if (c !== COMMA_BYTE && c !== LF_BYTE) {
        return NOT_SIMPLE;
      }
    } else {
      // Unquoted: up to the next comma or line break; a quote inside is text.
      while (c !== COMMA_BYTE && c !== LF_BYTE) {
        if (c === QUOTE_BYTE) sawQuote = true;
        out[o++] = c;
        if (++i >= end) return NEEDS_MORE;
        c = src[i] as number;
      }
      // A CR_BYTE just before the LF_BYTE ends the line, not the field.
      if (c === LF_BYTE && o > fieldStart && out[o - 1] === CR_BYTE) o--;
    }
    spans[2 * field] = fieldStart;
    spans[2 * field + 1] = o;
    field++;
    if (c === COMMA_BYTE) {
      if (field === fields) return NOT_SIMPLE;
      out[o++] = sep;
      i++;
      continue;
    }
    // c is the line's LF_BYTE, at i.
    if (field === 1 && o === fieldStart && !sawQuote) return i + 1;
    if (field !== fields) return NOT_SIMPLE;
    out[o++] = term;
    into.outEnd = o;
    return i + 1;
  }
}
