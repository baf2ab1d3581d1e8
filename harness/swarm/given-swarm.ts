/**
 * A swarm that is already running (a user's): a manager endpoint and one endpoint per node.
 * The harness adds nothing to the swarm itself: a run deploys its stack there and removes it.
 */
import { connectNode } from './node-endpoint.js';
import { type Swarm, SwarmError, type SwarmOpenContext, type SwarmSource } from './swarm.js';

export interface GivenSwarmOptions {
  /** A manager's endpoint (it may also be in `nodes`). */
  readonly manager: string;
  /** Every node that may run a task: the harness follows, kills and partitions tasks through these. */
  readonly nodes: readonly string[];
}

interface SwarmNodeInfo {
  readonly Description?: { readonly Hostname?: string };
  readonly Status?: { readonly State?: string };
}

export class GivenSwarm implements SwarmSource {
  readonly description: string;

  constructor(private readonly options: GivenSwarmOptions) {
    this.description = `the swarm of ${options.manager} (${options.nodes.length} node endpoints)`;
  }

  async open(ctx: SwarmOpenContext): Promise<Swarm> {
    if (this.options.nodes.length === 0) throw new SwarmError('a given swarm needs one endpoint per node');
    const manager = await connectNode(this.options.manager);
    const nodes = await Promise.all(this.options.nodes.map((n) => connectNode(n)));
    const known = ((await manager.api.listNodes()) as SwarmNodeInfo[]).filter((n) => n.Status?.State === 'ready').map((n) => n.Description?.Hostname);
    const missing = known.filter((name) => name !== undefined && !nodes.some((n) => n.name === name));
    // Tasks land on any ready node: one the harness cannot reach would run tasks it cannot see.
    if (missing.length > 0) throw new SwarmError(`the swarm has nodes without an endpoint: ${missing.join(', ')} (give one for each, or drain them)`);
    ctx.log(`swarm: ${nodes.length} nodes (${nodes.map((n) => `${n.name} ${n.address}`).join(', ')}), manager ${manager.name}`);
    return { description: this.description, manager, nodes, local: false, remove: async () => {} };
  }
}
