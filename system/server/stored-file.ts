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
 * Calls `onLine(buf, start, end)` for every complete line of the first `length` bytes
 * (`end` excludes the LF). The bytes are valid only during the call: one buffer is read into
 * again and again (the unfinished line moved to its front), so a scan allocates nothing per
 * chunk and its memory does not grow with the file (a fresh buffer per chunk left dead
 * buffers for the collector and freed pages in malloc's arenas: the server stayed ~30 MiB
 * bigger after the draw of 1.5 million bets). The buffer doubles only for a line longer than
 * it. Returns the offset just past the last LF (a tail without LF is not reported).
 */
export async function scanLines(
  disk: Disk,
  path: string,
  length: number,
  onLine: (buf: Buffer, start: number, end: number) => void,
): Promise<number> {
  if (length === 0) return 0;
  const fh = await disk.open(path, { access: 'read' });
  try {
    let buf = Buffer.allocUnsafeSlow(Math.min(SCAN_CHUNK, length));
    let carry = 0;
    let position = 0;
    while (position < length) {
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, carry, Math.min(buf.length - carry, length - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const filled = carry + bytesRead;
      const view = filled === buf.length ? buf : buf.subarray(0, filled);
      let start = 0;
      for (let nl = view.indexOf(LF, carry); nl !== -1; nl = view.indexOf(LF, start)) {
        onLine(view, start, nl);
        start = nl + 1;
      }
      carry = filled - start;
      if (carry > 0 && start > 0) buf.copyWithin(0, start, filled);
    }
    return position - carry;
  } finally {
    await fh.close();
  }
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
