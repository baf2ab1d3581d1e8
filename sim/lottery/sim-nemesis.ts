/**
 * Fires a fault schedule (schedule.ts) on a simulated world, and heals every fault: each fire
 * and heal is an event at its virtual time, and each goes into the run's timeline as the Docker
 * faults do (a `fault` entry, then a `heal` entry with the same id), so the report draws them.
 * A fault whose target is not running is skipped (noted), as the Docker nemesis skips a client
 * that finished. Restarts wait for the process to be gone; two heals never start one machine twice.
 */
import type { Timeline } from '../../harness/run/timeline.js';
import type { Program, SimProcess } from '../process/sim-process.js';
import type { SimWorld } from '../process/sim-world.js';
import { describeFault, type PlannedFault } from './schedule.js';

export class SimNemesis {
  private open = 0;
  private fired = 0;
  private skipped = 0;
  private readonly starting = new Set<string>();

  constructor(
    private readonly world: SimWorld,
    private readonly programs: ReadonlyMap<string, Program>,
    private readonly timeline: Timeline,
    private readonly now: () => number,
  ) {}

  /** Every fault fired or skipped, every heal done, no restart pending. */
  get settled(): boolean {
    return this.open === 0 && this.starting.size === 0;
  }

  get counts(): { fired: number; skipped: number } {
    return { fired: this.fired, skipped: this.skipped };
  }

  /** What keeps it from being settled (for a liveness failure). */
  describePending(): string {
    return `${this.open} fault(s) not yet healed${this.starting.size > 0 ? `, waiting for ${[...this.starting].join(', ')} to exit before a restart` : ''}`;
  }

  arm(plan: readonly PlannedFault[]): void {
    plan.forEach((fault, i) => {
      this.open++;
      this.world.sim.at(fault.atMs, 'fault', () => this.fire(fault, i + 1), { detail: describeFault(fault) });
    });
  }

  /**
   * Starts `name` again once `victim` (the process a fault hit) is gone, unless another
   * incarnation is running by then (another fault's heal started one).
   */
  private startAfter(name: string, victim: SimProcess | undefined): void {
    const start = () => {
      if (!this.world.running(name)) this.world.start(name, this.programs.get(name) as Program);
    };
    if (!victim?.alive) return start();
    const key = `${name}#${victim.incarnation}`;
    this.starting.add(key);
    void victim.exited.then(() => {
      this.starting.delete(key);
      start();
    });
  }

  private record(kind: 'fault' | 'heal', id: number, text: string, target: string): void {
    this.timeline.add({ at: this.now(), source: 'harness', kind, text: `${text} → ${target}`, event: undefined, faultId: id, targets: [target] });
  }

  private fire(f: PlannedFault, id: number): void {
    const { world } = this;
    const text = describeFault(f);
    const needsProcess = f.kind !== 'partition' && f.kind !== 'reset' && f.kind !== 'disk';
    if (needsProcess && !world.running(f.target)) {
      this.skipped++;
      this.open--;
      this.timeline.add({ at: this.now(), source: 'harness', kind: 'note', text: `nemesis skipped "${text}": ${f.target} is not running`, event: undefined });
      return;
    }
    this.fired++;
    this.record('fault', id, text, f.target);
    const peer = f.target === 'server' ? undefined : 'server';
    const victim = world.running(f.target);
    let heal: () => void;
    switch (f.kind) {
      case 'crash':
        world.crash(f.target);
        heal = () => this.startAfter(f.target, victim);
        break;
      case 'kill':
        world.kill(f.target);
        heal = () => this.startAfter(f.target, victim);
        break;
      case 'restart':
        world.signal(f.target, 'SIGTERM');
        heal = () => this.startAfter(f.target, victim);
        break;
      case 'pause':
        world.pause(f.target);
        heal = () => world.resume(f.target);
        break;
      case 'partition':
        if (peer) world.network.partition(f.target, peer, f.mode ?? 'stall');
        else world.network.isolate(f.target, f.mode ?? 'stall');
        heal = () => world.network.heal(f.target, peer);
        break;
      case 'reset':
        if (peer) world.network.reset(f.target, peer);
        else for (const other of this.programs.keys()) if (other !== f.target) world.network.reset(f.target, other);
        heal = () => {};
        break;
      case 'disk':
        world.machine('server').volume.inject({ op: f.op ?? 'write', code: f.code ?? 'EIO', times: f.code === 'ENOSPC' ? Infinity : 1 });
        heal = () => {
          world.machine('server').volume.clearFaults();
          // The operator's fix: the space freed (or the disk replaced), the server restarted.
          const server = world.running('server');
          if (server) world.signal('server', 'SIGTERM');
          this.startAfter('server', server);
        };
        break;
    }
    world.sim.schedule(f.holdMs, 'heal', () => {
      heal();
      this.open--;
      this.record('heal', id, `healed: ${text}`, f.target);
    }, { detail: text });
  }
}
