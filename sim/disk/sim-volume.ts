/**
 * A machine's simulated disk: files (each a FileImage), directories, the in-flight operations,
 * and the faults. It outlives the processes that use it: a restarted server finds what the crash
 * left. Operations take `latencyMs` (a range; 0 by default) and complete in events of the process
 * that issued them, so two in flight at once may complete in either order, as in Node's pool.
 *
 * Names: a file created (or a directory made) is in the cache at once; its name is durable
 * once its parent directory is synced. A crash removes names that were not.
 */
import { dirname, posix } from 'node:path';
import type { Prng } from '../kernel/prng.js';
import type { Simulation } from '../kernel/simulation.js';
import { errnoError } from '../errno.js';
import type { SimProcess } from '../process/sim-process.js';
import { type FileOp, FileImage } from './file-image.js';

export type DiskOpName = 'open' | 'read' | 'write' | 'datasync' | 'truncate' | 'stat' | 'mkdir' | 'syncdir' | 'close';

export interface DiskFault {
  readonly op: DiskOpName;
  /** Only paths that contain this (default: every path). */
  readonly path?: string;
  /** ENOSPC or EIO: the op fails and changes nothing; `short`: a write stores half and says so. */
  readonly code: 'ENOSPC' | 'EIO' | 'short';
  /** How many ops it hits (default 1; Infinity until cleared). */
  times?: number;
}

export interface VolumeConfig {
  /** Each op takes a uniform time in [min, max] ms. */
  readonly latencyMs: readonly [number, number];
  /** Chance that the last write a crash keeps is torn at a random byte. */
  readonly tornWrites: number;
}

export const DEFAULT_VOLUME: VolumeConfig = { latencyMs: [0, 0], tornWrites: 0.5 };

interface Entry {
  durable: boolean;
}

interface FileEntry extends Entry {
  image: FileImage;
  /** Writes issued on it and not completed: what a crash may still land. */
  readonly inFlight: Set<FileOp>;
}

export class SimVolume {
  readonly config: VolumeConfig;
  private files = new Map<string, FileEntry>();
  private dirs = new Map<string, Entry>([['/', { durable: true }]]);
  private readonly faults: DiskFault[] = [];
  private readonly rng: Prng;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    config: Partial<VolumeConfig> = {},
  ) {
    this.config = { ...DEFAULT_VOLUME, ...config };
    this.rng = sim.rng.derive(`disk.${name}`);
  }

  // ---- provisioning and inspection (outside the simulated time) --------------------------------

  /** A durable file (and durable parent directories), as a volume mounted before the run. */
  provision(path: string, content: Buffer | string = ''): void {
    const p = posix.normalize(path);
    this.provisionDir(dirname(p));
    this.files.set(p, { image: new FileImage(Buffer.from(content)), durable: true, inFlight: new Set() });
  }

  provisionDir(path: string): void {
    const p = posix.normalize(path);
    for (let d = p; !this.dirs.has(d); d = dirname(d)) this.dirs.set(d, { durable: true });
  }

  /** What a reader would see now (undefined: no such file). */
  read(path: string): Buffer | undefined {
    const f = this.files.get(posix.normalize(path));
    return f ? Buffer.from(f.image.cache.view()) : undefined;
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  inject(fault: DiskFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
    this.sim.note(`disk.${this.name}`, 'fault', `${fault.op} ${fault.code}${fault.path ? ` ${fault.path}` : ''}`);
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  // ---- for handles and views ------------------------------------------------------------------

  /** Runs `complete` after the op's latency, in an event of `proc`; a matching fault rejects instead. */
  op<T>(proc: SimProcess, name: DiskOpName, path: string, complete: (fault: DiskFault | undefined) => T): Promise<T> {
    const [min, max] = this.config.latencyMs;
    const delay = max > min ? min + this.rng.next() * (max - min) : min;
    proc.ref();
    return new Promise<T>((resolve, reject) => {
      this.sim.schedule(delay, `disk.${name}`, () => {
        proc.unref();
        const fault = this.takeFault(name, path);
        if (fault && fault.code !== 'short') return reject(errnoError(fault.code, name, path));
        try {
          resolve(complete(fault));
        } catch (err) {
          reject(err);
        }
      }, { owner: proc, detail: path });
    });
  }

  private takeFault(name: DiskOpName, path: string): DiskFault | undefined {
    const i = this.faults.findIndex((f) => f.op === name && (f.path === undefined || path.includes(f.path)));
    if (i < 0) return undefined;
    const fault = this.faults[i] as DiskFault;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(i, 1);
    return fault;
  }

  file(path: string): FileEntry | undefined {
    return this.files.get(posix.normalize(path));
  }

  isDir(path: string): boolean {
    return this.dirs.has(posix.normalize(path));
  }

  /** Creates an empty file whose name is not durable yet; ENOENT without its directory. */
  create(path: string): FileEntry {
    const p = posix.normalize(path);
    if (!this.dirs.has(dirname(p))) throw errnoError('ENOENT', 'open', p);
    const entry: FileEntry = { image: new FileImage(Buffer.alloc(0)), durable: false, inFlight: new Set() };
    this.files.set(p, entry);
    return entry;
  }

  mkdirs(path: string): void {
    for (let d = posix.normalize(path); !this.dirs.has(d); d = dirname(d)) {
      if (this.files.has(d)) throw errnoError('EEXIST', 'mkdir', d);
      this.dirs.set(d, { durable: false });
    }
  }

  /** Names in `dir` that exist now: the ones a directory sync issued now makes durable. */
  namesIn(dir: string): Entry[] {
    const d = posix.normalize(dir);
    const out: Entry[] = [];
    for (const [p, e] of [...this.files, ...this.dirs]) if (p !== d && dirname(p) === d) out.push(e);
    return out;
  }

  // ---- the crash ------------------------------------------------------------------------------

  /** Power loss: every file becomes what the disk really held (see FileImage.crash). */
  crash(): void {
    const dirs = new Map<string, Entry>();
    for (const [p, e] of this.dirs) if (this.survives(p, e)) dirs.set(p, { durable: true });
    const files = new Map<string, FileEntry>();
    const summary: string[] = [];
    for (const [p, f] of this.files) {
      if (!this.survives(p, f) || !dirs.has(dirname(p))) {
        summary.push(`${p} lost`);
        continue;
      }
      const image = f.image.crash(this.rng, [...f.inFlight], this.config.tornWrites);
      if (image.size !== f.image.size) summary.push(`${p} ${f.image.size}>${image.size}`);
      files.set(p, { image, durable: true, inFlight: new Set() });
    }
    this.dirs = dirs;
    this.files = files;
    this.sim.note(`disk.${this.name}`, 'crash', summary.join(', '));
  }

  private survives(path: string, entry: Entry): boolean {
    if (!entry.durable) return false;
    for (let d = dirname(path); d !== '/'; d = dirname(d)) if (!this.dirs.get(d)?.durable) return false;
    return true;
  }
}
