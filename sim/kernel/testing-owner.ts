/** Test support: a bare Owner (no process model), to drive the kernel alone. */
import type { Owner, OwnerState, SimEvent, Simulation } from './simulation.js';

export class TestOwner implements Owner {
  state: OwnerState = 'running';
  readonly held: SimEvent[] = [];
  readonly failures: unknown[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly id: string,
  ) {}

  hold(event: SimEvent): void {
    this.held.push(event);
  }

  fail(err: unknown): void {
    this.failures.push(err);
    this.state = 'dead';
  }

  resume(): void {
    this.state = 'running';
    for (const e of this.held.splice(0)) this.sim.requeue(e);
  }
}
