/**
 * The testbed's CSV, both ways, written apart from the system's own reader: rows are written with
 * RFC 4180 quoting here, and read back with csv-parse (the field's standard RFC 4180 parser).
 *
 * Reading rules (SPEC §3): LF or CRLF, even mixed in one file; a UTF-8 byte order mark at the
 * start is dropped; empty lines are skipped; rows may have any number of fields (the caller
 * judges them). A malformed row (say, a quote never closed) is reported with its line, and
 * reading goes on. Files from people (`lenient`) may also hold a quote inside an unquoted field
 * (`O"Brien`), kept as text; a file the system wrote (bets.csv) must be strict RFC 4180.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';

/** RFC 4180 quoting: a field with a comma, a quote, a line break or outer spaces is quoted, quotes doubled. */
export function formatField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? quoteAlways(value) : value;
}

/** A field quoted whether or not it needs to be (RFC 4180 allows it). */
export function quoteAlways(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

export function formatRow(fields: readonly string[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) out += (i === 0 ? '' : ',') + formatField(fields[i] as string);
  return out;
}

/**
 * One record of a CSV file. `row` counts the good records from 1: with no empty line and no
 * field holding a line break (every generated file) it is the record's line number. A malformed
 * record carries the line csv-parse stopped at instead, and takes no row number.
 */
export type CsvRecord =
  | { readonly kind: 'row'; readonly row: number; readonly fields: readonly string[] }
  | { readonly kind: 'error'; readonly line: number; readonly reason: string };

/** Longest record accepted (a quote never closed in a big file would otherwise hold it all). */
export const MAX_RECORD_CHARS = 64 * 1024;

const OPTIONS: Options = {
  bom: true,
  relax_column_count: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  record_delimiter: ['\r\n', '\n'],
  max_record_size: MAX_RECORD_CHARS,
};

export interface ReadOptions {
  /** Accept a quote inside an unquoted field, as files written by people may hold. */
  readonly lenient?: boolean;
}

/**
 * Calls `onRecord` for every record of `source` (text, or a file's byte stream): good rows in
 * order, from a synchronous loop over the parser's output (no promise per row: files hold
 * millions). A malformed record is reported as csv-parse skips it, which may be before some rows
 * that came ahead of it in the file.
 */
export function readCsv(source: string | NodeJS.ReadableStream, onRecord: (record: CsvRecord) => void, options: ReadOptions = {}): Promise<void> {
  let row = 0;
  let failure: unknown;
  /** A callback that throws ends the reading, and the promise rejects with its error. */
  const deliver = (record: CsvRecord): void => {
    if (failure !== undefined) return;
    try {
      onRecord(record);
    } catch (err) {
      failure = err;
      parser.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const parser = parse({
    ...OPTIONS,
    relax_quotes: options.lenient ?? false,
    on_skip: (err: CsvError | undefined) => {
      deliver({ kind: 'error', line: Number(err?.lines ?? 0), reason: err?.message ?? 'malformed row' });
      return undefined;
    },
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', (err) => reject(failure ?? err));
    parser.on('close', () => (failure === undefined ? undefined : reject(failure)));
  });
  parser.on('readable', () => {
    for (let fields = parser.read() as string[] | null; fields !== null && failure === undefined; fields = parser.read() as string[] | null) {
      row++;
      deliver({ kind: 'row', row, fields });
    }
  });
  // Text goes in 1 MiB pieces: one huge chunk costs csv-parse far more than many small ones.
  const input = typeof source === 'string' ? Readable.from(pieces(source, TEXT_PIECE_CHARS)) : source;
  input.on('error', (err: Error) => parser.destroy(err));
  input.pipe(parser);
  return done;
}

const TEXT_PIECE_CHARS = 1 << 20;

function* pieces(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** The records of a file on disk, streamed (memory stays flat whatever its size). */
export function readCsvFile(file: string, onRecord: (record: CsvRecord) => void, options: ReadOptions = {}): Promise<void> {
  return readCsv(createReadStream(file, { highWaterMark: 1 << 20 }), onRecord, options);
}

/** Every record of `source`, collected (for small inputs and tests). */
export async function csvRecords(source: string | NodeJS.ReadableStream, options: ReadOptions = {}): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  await readCsv(source, (r) => out.push(r), options);
  return out;
}
