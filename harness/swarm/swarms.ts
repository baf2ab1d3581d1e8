/**
 * Swarms to run on (the interface is in swarm.ts), each also a placement for LotteryRun.onSwarm:
 *
 *   new LotteryRun().withClients(12).onSwarm(Swarms.local({ nodes: 3 })).start()
 *   new LotteryRun().onSwarm(Swarms.endpoints({ manager: 'a', nodes: ['a', 'b', 'c'] })).start()
 */
import type { RunPlacement, RunSettings } from '../run/run-settings.js';
import { GivenSwarm, type GivenSwarmOptions } from './given-swarm.js';
import { LocalCluster, type LocalClusterOptions } from './local-cluster.js';
import { DEFAULT_NODES, type Swarm, type SwarmOpenContext, type SwarmSource } from './swarm.js';
import { SwarmLotteryRun } from './swarm-lottery-run.js';

export { DEFAULT_NODES, MAX_NODES } from './swarm.js';

export interface SwarmTarget extends SwarmSource, RunPlacement<SwarmLotteryRun> {}

function target(source: SwarmSource): SwarmTarget {
  return {
    description: source.description,
    open: (ctx: SwarmOpenContext): Promise<Swarm> => source.open(ctx),
    withSettings: (settings: RunSettings) => new SwarmLotteryRun(settings, source),
  };
}

export class Swarms {
  /** A swarm of `nodes` Docker-in-Docker nodes on this machine, built for the run and removed with it. */
  static local(options: Partial<LocalClusterOptions> = {}): SwarmTarget {
    return target(new LocalCluster({ nodes: DEFAULT_NODES, ...options }));
  }

  /** A running swarm: its manager endpoint and one endpoint per node (docker contexts or URLs). */
  static endpoints(options: GivenSwarmOptions): SwarmTarget {
    return target(new GivenSwarm(options));
  }
}
