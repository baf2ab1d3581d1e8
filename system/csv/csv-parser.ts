/**
 * An incremental RFC 4180 parser over text chunks. It never assumes a chunk holds whole rows:
 * it keeps the unparsed tail and its line number between pushes.
 *
 * - Rows end with LF or CRLF; a quoted field may hold commas, `""` and line breaks.
 * - A UTF-8 byte order mark at the very start is dropped.
 * - Empty lines are skipped.
 * - A malformed row (a stray character after a closing quote, a quote never closed) is returned
 *   as an error record naming its line, and parsing goes on with the next line.
 * - A row longer than MAX_RECORD_CHARS (say, a quote never closed in a big file) is an error
 *   record too: memory stays bounded whatever the input.
 */

export type CsvRecord =
  | { readonly kind: 'row'; readonly line: number; readonly fields: string[] }
  | { readonly kind: 'error'; readonly line: number; readonly reason: string };

const QUOTE = '"';
const COMMA = ',';
const LF = '\n';
const CR = '\r';
const BOM = '\uFEFF';
/** Longest row kept while waiting for its end. */
export const MAX_RECORD_CHARS = 64 * 1024;

type Attempt =
  | { readonly kind: 'row'; readonly fields: string[]; readonly next: number; readonly lines: number }
  | { readonly kind: 'error'; readonly reason: string; readonly next: number; readonly lines: number }
  | { readonly kind: 'incomplete' };

export class CsvParser {
  private buffer = '';
  private offset = 0;
  private line = 1;
  private started = false;
  /** Dropping the rest of an overlong row, up to its line break. */
  private discarding = false;

  /** Feeds a chunk of text; returns every record completed by it. */
  push(chunk: string): CsvRecord[] {
    if (!this.started) {
      if (chunk.length === 0) return [];
      this.started = true;
      if (chunk.startsWith(BOM)) chunk = chunk.slice(1);
    }
    if (this.discarding) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) return [];
      chunk = chunk.slice(nl + 1);
      this.line++;
      this.discarding = false;
    }
    this.buffer = this.offset < this.buffer.length ? this.buffer.slice(this.offset) + chunk : chunk;
    this.offset = 0;
    return this.drain(false);
  }

  /**
   * True while a row is open: text was pushed that no record has come out of yet (a quoted
   * field across lines, the rest of an overlong row being dropped). Between rows it is false.
   */
  get pending(): boolean {
    return this.discarding || this.offset < this.buffer.length;
  }

  /**
   * Counts `lines` whole lines read elsewhere (a caller that reads simple rows itself and hands
   * the parser only the others), so that the line numbers of later records stay the file's.
   * Only between rows.
   */
  skipLines(lines: number): void {
    if (this.pending) throw new Error('skipLines inside a row');
    this.line += lines;
  }

  /** Ends the input: a last row without a line break is returned, an open quote is an error. */
  end(): CsvRecord[] {
    const out = this.drain(true);
    this.buffer = '';
    this.offset = 0;
    return out;
  }

  /** Reports the row at `start` as too long and skips past its first line break (or all input so far). */
  private overlong(buf: string, start: number, nl: number): CsvRecord {
    const record: CsvRecord = { kind: 'error', line: this.line, reason: `row longer than ${MAX_RECORD_CHARS} characters (a quote never closed?)` };
    if (nl === -1) {
      this.offset = buf.length;
      this.discarding = true;
    } else {
      this.offset = nl + 1;
      this.line++;
    }
    return record;
  }

  private drain(final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const buf = this.buffer;
    // The next quote at or after the current row: looked up again only once passed, so that
    // rows without quotes do not each scan ahead to the next quoted row.
    let quote = -2;
    while (this.offset < buf.length) {
      const start = this.offset;
      const nl = buf.indexOf(LF, start);
      if (nl === -1 && !final) {
        if (buf.length - start > MAX_RECORD_CHARS) out.push(this.overlong(buf, start, -1));
        break;
      }
      const lineEnd = nl === -1 ? buf.length : nl;
      const contentEnd = lineEnd > start && buf.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      if (quote !== -1 && quote < start) quote = buf.indexOf(QUOTE, start);
      if (quote === -1 || quote >= lineEnd) {
        // Fast path: a row without quotes is one line split on commas.
        if (contentEnd > start) out.push({ kind: 'row', line: this.line, fields: buf.slice(start, contentEnd).split(COMMA) });
        this.offset = nl === -1 ? buf.length : nl + 1;
        this.line += nl === -1 ? 0 : 1;
        continue;
      }
      const attempt = parseQuotedRow(buf, start, final);
      if (attempt.kind === 'incomplete') {
        if (buf.length - start > MAX_RECORD_CHARS) {
          out.push(this.overlong(buf, start, nl));
          continue;
        }
        break;
      }
      out.push(attempt.kind === 'row'
        ? { kind: 'row', line: this.line, fields: attempt.fields }
        : { kind: 'error', line: this.line, reason: attempt.reason });
      this.offset = attempt.next;
      this.line += attempt.lines;
    }
    return out;
  }
}

/** Parses one row that holds a quote, from `start`; `lines` counts the line breaks consumed. */
function parseQuotedRow(buf: string, start: number, final: boolean): Attempt {
  const fields: string[] = [];
  let field = '';
  let i = start;
  let lines = 0;
  for (;;) {
    if (i < buf.length && buf[i] === QUOTE) {
      // Quoted field: runs to the next quote that is not doubled.
      i++;
      for (;;) {
        const q = buf.indexOf(QUOTE, i);
        if (q === -1 || q + 1 >= buf.length) {
          if (!final) return { kind: 'incomplete' };
          if (q === -1) return skipLine(buf, start, 'a quoted field is never closed');
          field += buf.slice(i, q);
          i = q + 1;
          break;
        }
        field += buf.slice(i, q);
        lines += countLineBreaks(buf, i, q);
        if (buf[q + 1] === QUOTE) {
          field += QUOTE;
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const c = buf[i];
      if (!final && c === CR && i + 1 === buf.length) return { kind: 'incomplete' };
      if (i < buf.length && c !== COMMA && c !== LF && !(c === CR && (buf[i + 1] === LF || i + 1 === buf.length))) {
        return skipLine(buf, start, `unexpected character ${JSON.stringify(c)} after a closing quote`);
      }
    } else {
      // Unquoted field: runs to the next comma or line break; a quote inside it is kept as text.
      let j = i;
      while (j < buf.length && buf[j] !== COMMA && buf[j] !== LF) j++;
      if (j === buf.length && !final) return { kind: 'incomplete' };
      const lineBreak = j === buf.length || buf[j] === LF;
      field += buf.slice(i, lineBreak && j > i && buf[j - 1] === CR ? j - 1 : j);
      i = j;
    }
    fields.push(field);
    field = '';
    if (i >= buf.length) return { kind: 'row', fields, next: i, lines };
    if (buf[i] === COMMA) {
      i++;
      continue;
    }
    if (buf[i] === CR) i++;
    if (i < buf.length && buf[i] === LF) return { kind: 'row', fields, next: i + 1, lines: lines + 1 };
    return { kind: 'row', fields, next: i, lines };
  }
}

function countLineBreaks(buf: string, from: number, to: number): number {
  let n = 0;
  for (let k = buf.indexOf(LF, from); k !== -1 && k < to; k = buf.indexOf(LF, k + 1)) n++;
  return n;
}

/** Reports a malformed row and resumes after the end of its first line. */
function skipLine(buf: string, start: number, reason: string): Attempt {
  const nl = buf.indexOf(LF, start);
  return nl === -1
    ? { kind: 'error', reason, next: buf.length, lines: 0 }
    : { kind: 'error', reason, next: nl + 1, lines: 1 };
}

/** RFC 4180 quoting: a field with a comma, a quote or a line break is quoted, quotes doubled. */
export function formatField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatRow(fields: readonly string[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) out += (i === 0 ? '' : ',') + formatField(fields[i] as string);
  return out;
}
