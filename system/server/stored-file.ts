/**
 * Low-level helpers for `bets.csv`: streaming line scans and the parts of a stored row the
 * server needs. Rows are written by the server itself
 * (`agency,first_name,last_name,document,birthdate,number`), so agency, document, birthdate and
 * number are never quoted and a row is exactly one line (names hold no line breaks).
 */
import type { Disk } from '../platform/disk.js';

const LF = 0x0a;
const COMMA = 0x2c;
const SCAN_CHUNK = 256 * 1024;

/**
 * Calls `onLine(chunk, start, end)` for every complete line of the first `length` bytes
 * (`end` excludes the LF). Reads in fixed-size chunks: memory does not grow with the file.
 * Returns the offset just past the last LF (a tail without LF is not reported).
 */
export async function scanLines(
  disk: Disk,
  path: string,
  length: number,
  onLine: (buf: Buffer, start: number, end: number) => void,
): Promise<number> {
  if (length === 0) return 0;
  let carry: Buffer | undefined;
  const stream = disk.readStream(path, { start: 0, end: length - 1, highWaterMark: SCAN_CHUNK });
  for await (const chunk of stream) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(LF, start); nl !== -1; nl = buf.indexOf(LF, start)) {
      onLine(buf, start, nl);
      start = nl + 1;
    }
    carry = start < buf.length ? buf.subarray(start) : undefined;
  }
  return length - (carry?.length ?? 0);
}

/** Reads the agency id at the start of a stored row (digits up to the first comma); NaN if malformed. */
export function rowAgency(buf: Buffer, start: number, end: number): number {
  let n = 0;
  let i = start;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c === COMMA) break;
    if (c < 0x30 || c > 0x39) return NaN;
    n = n * 10 + (c - 0x30);
  }
  return i === start || i === end ? NaN : n;
}

/** Reads the last field (the bet number) of a stored row; NaN if malformed. */
export function rowNumber(buf: Buffer, start: number, end: number): number {
  let stop = end;
  if (stop > start && buf[stop - 1] === 0x0d) stop--;
  const comma = buf.lastIndexOf(COMMA, stop - 1);
  if (comma < start || comma === stop - 1) return NaN;
  let n = 0;
  for (let i = comma + 1; i < stop; i++) {
    const c = buf[i] as number;
    if (c < 0x30 || c > 0x39) return NaN;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** Reads the document (third field from the end) of a stored row. */
export function rowDocument(buf: Buffer, start: number, end: number): string {
  const numberComma = buf.lastIndexOf(COMMA, end - 1);
  const dateComma = buf.lastIndexOf(COMMA, numberComma - 1);
  const documentComma = buf.lastIndexOf(COMMA, dateComma - 1);
  return documentComma < start ? '' : buf.toString('latin1', documentComma + 1, dateComma);
}
