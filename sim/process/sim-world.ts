/**
 * A simulated world: the kernel, the network, and machines, each with a host name, a disk volume
 * and at most one running process at a time. Faults use the Docker nemesis's vocabulary:
 *
 *   const world = new SimWorld({ seed: 7 });
 *   world.machine('server').volume.provisionDir('/output');
 *   world.start('server', serverProgram);
 *   world.sim.schedule(900, 'fault', () => world.crash('server'));
 *   world.sim.schedule(1500, 'fault', () => world.start('server', serverProgram));
 *   await world.run({ deadlineMs: 60_000 });
 *
 * crash = SIGKILL and power loss (un-synced bytes are gone, peers hear nothing); kill = SIGKILL
 * alone (the page cache survives; the OS closes the sockets); pause / resume = SIGSTOP / SIGCONT;
 * signal = SIGTERM to the program's handler; partitions and resets are on `world.network`,
 * disk faults on each machine's volume.
 */
import { type RunOptions, type RunOutcome, Simulation } from '../kernel/simulation.js';
import type { TraceOptions } from '../kernel/trace.js';
import { SimClock } from '../clock/sim-clock.js';
import { DiskView } from '../disk/disk-view.js';
import { SimVolume, type VolumeConfig } from '../disk/sim-volume.js';
import { type NetworkConfig, type SimHost, SimNetwork } from '../network/sim-network.js';
import { type ProcessExit, type Program, type Signal, SimProcess } from './sim-process.js';

export interface WorldOptions {
  readonly seed: number;
  readonly network?: Partial<NetworkConfig>;
  readonly trace?: TraceOptions;
}

export class SimMachine {
  process: SimProcess | undefined;
  incarnations = 0;
  /** Every process that ran here, in order. */
  readonly history: SimProcess[] = [];

  constructor(
    readonly name: string,
    readonly host: SimHost,
    readonly volume: SimVolume,
  ) {}
}

export class SimWorld {
  readonly sim: Simulation;
  readonly network: SimNetwork;
  private readonly machines = new Map<string, SimMachine>();
  /** Hears every process's death at its instant (its last line already written). */
  onExit: ((proc: SimProcess, exit: ProcessExit) => void) | undefined;
  /** Hears every line a process writes, in the one order they were written. */
  onOutput: ((proc: SimProcess, line: string) => void) | undefined;

  constructor(options: WorldOptions) {
    this.sim = new Simulation({ seed: options.seed, ...(options.trace ? { trace: options.trace } : {}) });
    this.network = new SimNetwork(this.sim, options.network);
  }

  /** The machine `name`, made on first use. */
  machine(name: string, volume: Partial<VolumeConfig> = {}): SimMachine {
    let m = this.machines.get(name);
    if (!m) {
      m = new SimMachine(name, this.network.addHost(name), new SimVolume(this.sim, name, volume));
      this.machines.set(name, m);
    }
    return m;
  }

  /** Starts a new incarnation of `program` on the machine (which must have none running). */
  start(name: string, program: Program): SimProcess {
    const m = this.machine(name);
    if (m.process?.alive) throw new Error(`${m.process.id} is still running`);
    const proc = new SimProcess(this.sim, name, ++m.incarnations);
    const rng = this.sim.rng.derive(`random.${proc.id}`);
    proc.attach({
      clock: new SimClock(this.sim, proc),
      network: this.network.viewFor(proc, m.host),
      disk: new DiskView(m.volume, proc),
      random: { next: () => rng.next() },
    });
    proc.onExit = (exit) => this.onExit?.(proc, exit);
    proc.onOutput = (line) => this.onOutput?.(proc, line);
    m.process = proc;
    m.history.push(proc);
    this.network.hostUp(m.host);
    this.sim.note(proc.id, 'start');
    proc.start(program);
    return proc;
  }

  /** The process running on `name` now, if any. */
  running(name: string): SimProcess | undefined {
    const p = this.machines.get(name)?.process;
    return p?.alive ? p : undefined;
  }

  kill(name: string): void {
    this.sim.note(name, 'fault', 'kill');
    this.running(name)?.kill();
  }

  crash(name: string): void {
    const m = this.machine(name);
    this.sim.note(name, 'fault', 'crash');
    m.process?.crash();
    this.network.hostDown(m.host);
    m.volume.crash();
  }

  pause(name: string): void {
    this.sim.note(name, 'fault', 'pause');
    this.running(name)?.pause();
  }

  resume(name: string): void {
    this.sim.note(name, 'fault', 'resume');
    this.running(name)?.resume();
  }

  signal(name: string, signal: Signal = 'SIGTERM'): void {
    this.sim.note(name, 'fault', signal);
    this.running(name)?.signal(signal);
  }

  run(options?: RunOptions): Promise<RunOutcome> {
    return this.sim.run(options);
  }
}
