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
 * Every record of `source` (text, or a file's byte stream), good rows in order; a malformed
 * record is reported once csv-parse has skipped it (at most a chunk later than its place).
 */
export async function* csvRecords(source: string | NodeJS.ReadableStream, options: ReadOptions = {}): AsyncGenerator<CsvRecord> {
  const errors: CsvRecord[] = [];
  const parser = parse({
    ...OPTIONS,
    relax_quotes: options.lenient ?? false,
    on_skip: (err: CsvError | undefined) => {
      errors.push({ kind: 'error', line: Number(err?.lines ?? 0), reason: err?.message ?? 'malformed row' });
      return undefined;
    },
  });
  if (typeof source === 'string') parser.end(source);
  else {
    source.on('error', (err: Error) => parser.destroy(err));
    source.pipe(parser);
  }
  let row = 0;
  for await (const fields of parser as AsyncIterable<string[]>) {
    while (errors.length > 0) yield errors.shift() as CsvRecord;
    row++;
    yield { kind: 'row', row, fields };
  }
  while (errors.length > 0) yield errors.shift() as CsvRecord;
}

/** The records of a file on disk, streamed (memory stays flat whatever its size). */
export function csvFileRecords(file: string, options: ReadOptions = {}): AsyncGenerator<CsvRecord> {
  return csvRecords(createReadStream(file, { highWaterMark: 1 << 20 }), options);
}
