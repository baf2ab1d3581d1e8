/**
 * One file's bytes, twice: what a reader sees now (the page cache) and what is on the platter.
 *
 * Every completed write or truncate goes into the cache at once and into an ordered log. An op is
 * durable when it completed on an O_DSYNC handle, or when a datasync() issued after it completes.
 * The durable prefix of the log is folded into `base`. A crash rebuilds the file from `base`, the
 * durable ops, and a random prefix of the others (plus writes still in flight), the last one
 * possibly torn at a byte: nothing that was durable is lost, anything else may be.
 */
import type { Prng } from '../kernel/prng.js';

export type FileOp =
  | { readonly kind: 'write'; readonly position: number | 'end'; readonly bytes: Buffer }
  | { readonly kind: 'truncate'; readonly length: number };

interface Logged {
  readonly op: FileOp;
  /** Where an append landed, fixed when it completed. */
  readonly at: number;
  durable: boolean;
}

/** A growable byte buffer. */
export class Bytes {
  private buf: Buffer;
  size: number;

  constructor(initial: Buffer = Buffer.alloc(0)) {
    this.buf = Buffer.from(initial);
    this.size = initial.length;
  }

  clone(): Bytes {
    return new Bytes(this.view());
  }

  view(from = 0, to = this.size): Buffer {
    return this.buf.subarray(Math.min(from, this.size), Math.min(to, this.size));
  }

  write(at: number, bytes: Buffer): void {
    const end = at + bytes.length;
    if (end > this.buf.length) {
      const grown = Buffer.alloc(Math.max(end, this.buf.length * 2, 256));
      this.buf.copy(grown, 0, 0, this.size);
      this.buf = grown;
    }
    if (at > this.size) this.buf.fill(0, this.size, at);
    bytes.copy(this.buf, at);
    this.size = Math.max(this.size, end);
  }

  truncate(length: number): void {
    if (length > this.size) this.write(this.size, Buffer.alloc(length - this.size));
    this.size = length;
  }
}

function apply(image: Bytes, op: FileOp, at: number, keepBytes = Number.POSITIVE_INFINITY): void {
  if (op.kind === 'truncate') image.truncate(op.length);
  else image.write(at, keepBytes >= op.bytes.length ? op.bytes : op.bytes.subarray(0, keepBytes));
}

export class FileImage {
  /** What readers see. */
  readonly cache: Bytes;
  private base: Bytes;
  private log: Logged[] = [];
  /** Ops logged so far, ever: a datasync covers those logged before it was issued. */
  private logged = 0;
  private folded = 0;

  constructor(content: Buffer = Buffer.alloc(0), durable = true) {
    this.cache = new Bytes(content);
    this.base = durable ? new Bytes(content) : new Bytes();
    if (!durable && content.length > 0) this.record({ kind: 'write', position: 0, bytes: Buffer.from(content) }, false, 0);
  }

  get size(): number {
    return this.cache.size;
  }

  /** A completed op: into the cache now, durable already when `durable` (O_DSYNC). Returns where it landed. */
  complete(op: FileOp, durable: boolean): number {
    const at = op.kind === 'write' ? (op.position === 'end' ? this.cache.size : op.position) : 0;
    apply(this.cache, op, at);
    this.record(op, durable, at);
    return at;
  }

  private record(op: FileOp, durable: boolean, at: number): void {
    this.log.push({ op, at, durable });
    this.logged++;
    this.fold();
  }

  /** A datasync is issued now: what it will cover. */
  syncMark(): number {
    return this.logged;
  }

  /** A datasync issued at `mark` completed. */
  synced(mark: number): void {
    for (let i = 0; i < this.log.length && this.folded + i < mark; i++) (this.log[i] as Logged).durable = true;
    this.fold();
  }

  private fold(): void {
    while (this.log.length > 0 && (this.log[0] as Logged).durable) {
      const head = this.log.shift() as Logged;
      apply(this.base, head.op, head.at);
      this.folded++;
    }
  }

  /** Bytes a crash may lose: logged and not durable. */
  get unsyncedOps(): number {
    return this.log.filter((l) => !l.durable).length;
  }

  /**
   * The file as a crash leaves it. `inFlight` are writes issued and not completed (they land
   * after every completed op, if at all). Returns the new image, durable through and through.
   */
  crash(rng: Prng, inFlight: readonly FileOp[], tornProbability: number): FileImage {
    const candidates = this.log.filter((l) => !l.durable).length + inFlight.length;
    const keep = rng.int(candidates + 1);
    const tear = keep > 0 && rng.chance(tornProbability);
    const image = this.base.clone();
    let kept = 0;
    const survive = (op: FileOp, at: number, durable: boolean) => {
      if (durable) return apply(image, op, at);
      if (kept >= keep) return;
      kept++;
      const bytes = op.kind === 'write' ? op.bytes.length : 0;
      apply(image, op, at, kept === keep && tear && bytes > 0 ? rng.int(bytes) : Number.POSITIVE_INFINITY);
    };
    for (const l of this.log) survive(l.op, l.at, l.durable);
    for (const op of inFlight) survive(op, op.kind === 'write' && op.position !== 'end' ? op.position : image.size, false);
    return new FileImage(Buffer.from(image.view()));
  }
}
