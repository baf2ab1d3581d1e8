/**
 * A simulated process: one incarnation of a program on a machine. It owns its events (timers,
 * I/O completions), its sockets, listeners and file handles, and its signal handlers.
 *
 * - pause(): its events wait (the network's wires and the disk keep going, as under SIGSTOP);
 *   resume() puts them back.
 * - kill() (SIGKILL): it is gone; the OS closes its sockets (the peers see FIN or RST) and its
 *   files (written bytes stay in the page cache).
 * - crash(): as kill, but its machine loses power too: the peers see nothing, and the disk keeps
 *   only what was durable (the machine's volume decides; see sim-volume.ts).
 * - signal('SIGTERM'): runs the program's handler (the real graceful path), or kills it.
 * - It exits on its own, as Node does, once nothing holds it: no ref'd timer, socket, listener
 *   or pending disk operation. A program's return value is its exit code.
 */
import type { Platform } from '../../system/platform/platform.js';
import type { Owner, SimEvent, Simulation } from '../kernel/simulation.js';

export type Signal = 'SIGTERM' | 'SIGINT';

export type ExitReason = 'natural' | 'exit' | 'uncaught' | 'signal' | 'killed' | 'crashed';

export interface ProcessExit {
  readonly reason: ExitReason;
  /** Null when a signal ended it. */
  readonly code: number | null;
  readonly signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT' | null;
  readonly atMs: number;
  readonly error?: unknown;
  /** Files it still held open when it exited by itself (the OS closes them; the program never did). */
  readonly openFiles: readonly string[];
}

/** How the OS lets go of a resource when its process dies. */
export type Release = 'exit' | 'kill' | 'crash';

export interface ProcessResource {
  release(how: Release): void;
  /** Set on an open file: its path. */
  readonly openFile?: string;
}

export interface ProcessContext {
  readonly platform: Platform;
  /** The machine's name ("server", "client3"). */
  readonly name: string;
  readonly incarnation: number;
  /** Standard output, one line per call (a Logger sink). */
  readonly stdout: { write(line: string): void };
  onSignal(signal: Signal, handler: () => void): void;
  /** process.exit: ends at once. */
  exit(code: number): never;
  /** process.exitCode: the code of a natural exit. */
  exitCode: number | undefined;
}

export type Program = (ctx: ProcessContext) => Promise<number | void> | number | void;

/** Thrown by ctx.exit() to unwind the program; never seen outside. */
class ProcessExitSignal extends Error {
  override readonly name = 'ProcessExitSignal';
}

export class SimProcess implements Owner {
  readonly id: string;
  state: 'running' | 'paused' | 'dead' = 'running';
  /** Every line the program wrote, in order. */
  readonly output: string[] = [];
  readonly exited: Promise<ProcessExit>;
  private exitInfo: ProcessExit | undefined;
  private settleExit!: (exit: ProcessExit) => void;
  private readonly held: SimEvent[] = [];
  private readonly resources = new Set<ProcessResource>();
  private readonly handlers = new Map<Signal, (() => void)[]>();
  private refs = 0;
  private exitCheckPending = false;
  private exitCode: number | undefined;
  private platformOf: Platform | undefined;
  /** Called once, at the instant it dies (before anything else runs), with how it ended. */
  onExit: ((exit: ProcessExit) => void) | undefined;
  /** Called with each line it writes while alive. */
  onOutput: ((line: string) => void) | undefined;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    readonly incarnation: number,
  ) {
    this.id = `${name}#${incarnation}`;
    this.exited = new Promise((resolve) => (this.settleExit = resolve));
  }

  get platform(): Platform {
    if (!this.platformOf) throw new Error(`${this.id} has no platform yet`);
    return this.platformOf;
  }

  get alive(): boolean {
    return this.state !== 'dead';
  }

  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** Set once, by the world, before start(). */
  attach(platform: Platform): void {
    this.platformOf = platform;
  }

  /** Runs `program` as the process's first event. */
  start(program: Program): void {
    this.sim.schedule(0, 'start', () => this.runMain(program), { owner: this });
  }

  private runMain(program: Program): void {
    const proc = this;
    const ctx: ProcessContext = {
      platform: this.platform,
      name: this.name,
      incarnation: this.incarnation,
      stdout: { write: (line) => this.write(line) },
      onSignal: (signal, handler) => this.handlers.set(signal, [...(this.handlers.get(signal) ?? []), handler]),
      exit: (code) => {
        this.die('exit', code, null);
        throw new ProcessExitSignal(`exit ${code}`);
      },
      get exitCode() {
        return proc.exitCode;
      },
      set exitCode(code) {
        proc.exitCode = code;
      },
    };
    const finished = (value: number | void) => {
      if (typeof value === 'number') this.exitCode = value;
    };
    try {
      const result = program(ctx);
      if (result instanceof Promise) result.then(finished, (err: unknown) => this.fail(err));
      else finished(result);
    } catch (err) {
      this.fail(err);
    }
    this.scheduleExitCheck();
  }

  private write(line: string): void {
    if (this.state === 'dead') return;
    this.output.push(line);
    this.sim.note(this.id, 'out', line);
    this.onOutput?.(line);
  }

  /** A handle that keeps the process alive (Node's ref'd handle or pending request). */
  ref(): void {
    this.refs++;
  }

  unref(): void {
    this.refs--;
    if (this.refs === 0) this.scheduleExitCheck();
  }

  private scheduleExitCheck(): void {
    if (this.exitCheckPending || this.state === 'dead') return;
    this.exitCheckPending = true;
    this.sim.schedule(0, 'exit-check', () => {
      this.exitCheckPending = false;
      if (this.refs === 0) this.die('natural', this.exitCode ?? 0, null);
    }, { owner: this });
  }

  track(resource: ProcessResource): void {
    this.resources.add(resource);
  }

  untrack(resource: ProcessResource): void {
    this.resources.delete(resource);
  }

  hold(event: SimEvent): void {
    this.held.push(event);
  }

  fail(err: unknown): void {
    if (err instanceof ProcessExitSignal || this.state === 'dead') return;
    this.write(`uncaught: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    this.die('uncaught', 1, null, err);
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    for (const event of this.held.splice(0)) this.sim.requeue(event);
  }

  /** Delivers `signal` as an event: the program's handlers, or death when it has none. */
  signal(signal: Signal): void {
    this.sim.schedule(0, 'signal', () => {
      const handlers = this.handlers.get(signal);
      if (!handlers || handlers.length === 0) return this.die('signal', null, signal);
      for (const handler of handlers) handler();
    }, { owner: this, detail: signal });
  }

  kill(): void {
    this.die('killed', null, 'SIGKILL');
  }

  /** The machine lost power under it; the world crashes the volume right after. */
  crash(): void {
    this.die('crashed', null, 'SIGKILL');
  }

  private die(reason: ExitReason, code: number | null, signal: ProcessExit['signal'], error?: unknown): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.held.length = 0;
    const how: Release = reason === 'crashed' ? 'crash' : reason === 'killed' ? 'kill' : 'exit';
    const openFiles = reason === 'natural' || reason === 'exit' ? [...this.resources].flatMap((r) => (r.openFile === undefined ? [] : [r.openFile])) : [];
    for (const resource of [...this.resources]) resource.release(how);
    this.resources.clear();
    this.exitInfo = { reason, code, signal, atMs: this.sim.now, openFiles, ...(error === undefined ? {} : { error }) };
    this.sim.note(this.id, 'exit', `${reason} code=${code} signal=${signal}`);
    this.onExit?.(this.exitInfo);
    this.settleExit(this.exitInfo);
  }
}
