/**
 * Bets as the client carries them from its file to the wire: their wire bytes (UTF-8 of each
 * bet's wire text, protocol/bet-text.ts) one after the other in one buffer, and where each
 * ends. A batch frame is a header and a run of them, copied at once.
 */

/** A row that cannot be sent: which line, and why. */
export interface InvalidRow {
  readonly line: number;
  readonly reason: string;
}

export interface PackedBets {
  readonly bytes: Uint8Array;
  /** ends[i] is where bet i ends in `bytes`; it starts where bet i − 1 ends (0 for the first). */
  readonly ends: readonly number[];
}

/** A piece of the source: its valid bets in order, and the rows refused in it. */
export interface SourceChunk {
  readonly bets: PackedBets;
  readonly invalid: readonly InvalidRow[];
}

export const NO_BETS: PackedBets = { bytes: new Uint8Array(0), ends: [] };

/** Where bet i of `bets` starts. */
export function betStart(bets: PackedBets, i: number): number {
  return i === 0 ? 0 : (bets.ends[i - 1] as number);
}

/** Builds one PackedBets: bytes are written at `end` (after `reserve`), then `close()` marks a bet. */
export class PackedBetsBuilder {
  buffer: Buffer;
  /** Where the next byte goes. */
  end = 0;
  private readonly ends: number[] = [];

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, 64));
  }

  /** Makes room for `bytes` more bytes after `end`. */
  reserve(bytes: number): Buffer {
    if (this.end + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.end + bytes));
      this.buffer.copy(grown, 0, 0, this.end);
      this.buffer = grown;
    }
    return this.buffer;
  }

  /** The bytes up to `end` are a whole bet. */
  close(end: number): void {
    this.end = end;
    this.ends.push(end);
  }

  /** Appends one bet's wire text. */
  addText(text: string): void {
    this.reserve(3 * text.length);
    this.close(this.end + this.buffer.write(text, this.end, 'utf8'));
  }

  finish(): PackedBets {
    return this.ends.length === 0 ? NO_BETS : { bytes: this.buffer.subarray(0, this.end), ends: this.ends };
  }
}

/** Packs bets given as wire texts (tests, the single bet of exercise 5). */
export function packTexts(texts: readonly string[]): PackedBets {
  const builder = new PackedBetsBuilder(64);
  for (const text of texts) builder.addText(text);
  return builder.finish();
}
