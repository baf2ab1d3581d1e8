/**
 * An agency's CSV file, pushed as it is read, to packed wire bytes of its valid bets and the
 * rows refused (file line and reason). Incremental: a row may span any number of pushes.
 *
 * Two readers, one meaning. Most rows are one line of five fields that are valid bets: they
 * are read on the bytes (csv/csv-line-bytes.ts, domain/validation-bytes.ts) and their wire
 * bytes written straight to the output, with no string made. Every other line — the first
 * (it may hold byte order marks), a quoted field across lines, a malformed or invalid row,
 * bytes that are not well-formed UTF-8 — is decoded and read by CsvParser and checkBetSpans,
 * which name the reason; the lines read on the bytes are counted in CsvParser's line numbers.
 */
import { type LineFields, NEEDS_MORE, scanLine } from '../csv/csv-line-bytes.js';
import { CsvParser, type CsvRecord, MAX_RECORD_CHARS } from '../csv/csv-parser.js';
import { isValidBetBytes } from '../domain/validation-bytes.js';
import { checkBetSpans, isValidAgency } from '../domain/validation.js';
import { RECORD_SEPARATOR, UNIT_SEPARATOR } from '../protocol/constants.js';
import { RS, US } from '../protocol/bet-text.js';
import { type InvalidRow, PackedBetsBuilder, type SourceChunk } from './packed-bets.js';

const FIELDS = 5;
const LF_BYTE = 0x0a;
const NO_BYTES = Buffer.alloc(0);

/** Where the five fields lie in a bet's wire text or bytes (reused: one bet at a time). */
const SPANS = new Int32Array(2 * FIELDS);

export class CsvBetReader {
  private readonly parser = new CsvParser();
  private readonly decoder = new TextDecoder('utf-8');
  /** The start of a line not yet whole, kept for the next push. */
  private leftover: Buffer = NO_BYTES;
  /** The first line goes to CsvParser: a decoder and CsvParser each drop a byte order mark. */
  private firstLine = true;
  /** Lines read on the bytes since CsvParser last read one. */
  private skipped = 0;
  /** An invalid agency makes every row invalid: CsvParser and checkBetSpans say so, row by row. */
  private readonly bytesPath: boolean;
  private readonly line: LineFields = { outEnd: 0, spans: SPANS };
  private out = new PackedBetsBuilder(0);
  private invalid: InvalidRow[] = [];

  constructor(private readonly agency: number) {
    this.bytesPath = isValidAgency(agency);
  }

  /** Reads a chunk of the file; returns the bets and refused rows it completed. */
  push(chunk: Uint8Array): SourceChunk {
    const src = this.leftover.length === 0 ? chunk : Buffer.concat([this.leftover, chunk]);
    this.leftover = NO_BYTES;
    this.out = new PackedBetsBuilder(src.length + 1);
    const end = src.length;
    let pos = 0;
    while (pos < end) {
      if (this.bytesPath && !this.firstLine && !this.parser.pending) {
        const out = this.out.reserve(end - pos + 1);
        const at = this.out.end;
        this.line.outEnd = at;
        const next = scanLine(src, pos, end, FIELDS, UNIT_SEPARATOR, RECORD_SEPARATOR, out, at, this.line);
        if (next >= 0) {
          const empty = this.line.outEnd === at;
          if (empty || isValidBetBytes(out, SPANS)) {
            if (!empty) this.out.close(this.line.outEnd);
            this.skipped++;
            pos = next;
            continue;
          }
          // Refused, or not well-formed UTF-8: CsvParser and checkBetSpans read it and say why.
        } else if (next === NEEDS_MORE && end - pos <= MAX_RECORD_CHARS) {
          this.leftover = Buffer.from(src.subarray(pos));
          break;
        }
      }
      const nl = src.indexOf(LF_BYTE, pos);
      if (nl === -1 && !this.parser.pending && end - pos <= MAX_RECORD_CHARS) {
        this.leftover = Buffer.from(src.subarray(pos));
        break;
      }
      // Part of a line (no LF_BYTE yet) leaves CsvParser pending: it ends a row only at a LF_BYTE or at the end.
      const to = nl === -1 ? end : nl + 1;
      this.parse(this.decoder.decode(src.subarray(pos, to), { stream: true }));
      pos = to;
    }
    return this.take();
  }

  /** The end of the file: a last row without a line break, an open quote. */
  end(): SourceChunk {
    this.out = new PackedBetsBuilder(this.leftover.length + 1);
    const rest = this.leftover;
    this.leftover = NO_BYTES;
    this.parse(this.decoder.decode(rest, { stream: true }));
    this.parse(this.decoder.decode());
    this.addRecords(this.parser.end());
    return this.take();
  }

  private parse(text: string): void {
    if (this.skipped > 0) this.parser.skipLines(this.skipped);
    this.skipped = 0;
    this.firstLine = false;
    this.addRecords(this.parser.push(text));
  }

  private take(): SourceChunk {
    const chunk = { bets: this.out.finish(), invalid: this.invalid };
    this.invalid = [];
    return chunk;
  }

  private addRecords(records: readonly CsvRecord[]): void {
    for (const record of records) {
      if (record.kind === 'error') {
        this.invalid.push({ line: record.line, reason: record.reason });
        continue;
      }
      const f = record.fields;
      if (f.length !== FIELDS) {
        this.invalid.push({ line: record.line, reason: `expected ${FIELDS} fields (first_name,last_name,document,birthdate,number), found ${f.length}` });
        continue;
      }
      // The wire text is built once and validated in place (no per-field copies).
      let end = 0;
      for (let k = 0; k < FIELDS; k++) {
        SPANS[2 * k] = end + (k === 0 ? 0 : 1);
        end = (SPANS[2 * k] as number) + (f[k] as string).length;
        SPANS[2 * k + 1] = end;
      }
      const text = f[0] + US + f[1] + US + f[2] + US + f[3] + US + f[4] + RS;
      const reason = checkBetSpans(this.agency, text, SPANS);
      if (reason === undefined) this.out.addText(text);
      else this.invalid.push({ line: record.line, reason });
    }
  }
}
