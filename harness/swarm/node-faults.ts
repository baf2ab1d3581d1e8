/**
 * Faults only a swarm has: a whole node partitioned from the others (iptables on the node
 * itself, through a tp0-net-tools helper in its host namespace: every packet to and from each
 * peer's address dropped, swarm's own traffic and the overlay's VXLAN included). Recorded in
 * the timeline like every fault: a `fault` entry, then its `heal` with the same id, targets the
 * node's name.
 */
import { type Fault, FaultError, type FaultContext, type FaultOutcome } from '../faults/faults.js';

/** What a node fault needs from a run (StartedSwarmRun has it). */
export interface NodeFaultContext extends FaultContext {
  partitionNode(node: string): Promise<{ heal(): Promise<void> }>;
}

function onSwarm(ctx: FaultContext): ctx is NodeFaultContext {
  return typeof (ctx as Partial<NodeFaultContext>).partitionNode === 'function';
}

class NodePartition implements Fault {
  readonly description: string;

  constructor(
    readonly target: string,
    private readonly ms: number,
  ) {
    if (!Number.isFinite(ms) || ms <= 0) throw new FaultError(`partitionNode: the duration must be > 0 ms, got ${ms}`);
    this.description = `partition node ${target} for ${ms} ms`;
  }

  async apply(ctx: FaultContext): Promise<FaultOutcome> {
    if (!onSwarm(ctx)) throw new FaultError(`${this.description}: only a swarm run has nodes`);
    const faultId = ctx.timeline.select({ kind: 'fault' }).length + 1;
    const mark = (kind: 'fault' | 'heal', text: string): void => {
      ctx.timeline.add({ at: Date.now(), source: 'harness', kind, text: `${text} → ${this.target}`, event: undefined, faultId, targets: [this.target] });
    };
    mark('fault', this.description);
    let partition: { heal(): Promise<void> };
    try {
      partition = await ctx.partitionNode(this.target);
    } catch (err) {
      mark('heal', `not applied (${(err as Error).message}): ${this.description}`);
      throw err;
    }
    await new Promise((r) => setTimeout(r, this.ms));
    await partition.heal();
    mark('heal', `healed: ${this.description}`);
    return { fault: this.description, exitCodes: {}, faultId };
  }
}

export class SwarmFaults {
  /** Cuts `node` off every other node of the swarm for `ms`, then lets it back. */
  static partitionNode(node: string, ms: number): Fault {
    return new NodePartition(node, ms);
  }
}
