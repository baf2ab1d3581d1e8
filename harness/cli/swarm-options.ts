/**
 * run.mjs's swarm flags: `--swarm [--nodes K]` (a local cluster built for the run) or
 * `--swarm-manager ENDPOINT --swarm-node ENDPOINT …` (a running swarm). Pure.
 */
import { DEFAULT_NODES, MAX_NODES } from '../swarm/swarm.js';
import { RunUsageError } from './cli-errors.js';

export type SwarmPlan =
  | { readonly kind: 'local'; readonly nodes: number }
  | { readonly kind: 'given'; readonly manager: string; readonly nodes: readonly string[] };

export const SWARM_FLAGS = {
  swarm: { type: 'boolean' },
  nodes: { type: 'string' },
  'swarm-manager': { type: 'string' },
  'swarm-node': { type: 'string', multiple: true },
} as const;

export const SWARM_USAGE = `  --swarm           run the system as a Docker Swarm stack on a local swarm of Docker-in-Docker
                    nodes built for the run (and removed after it)
  --nodes K         nodes of that local swarm (1..${MAX_NODES}, default ${DEFAULT_NODES})
  --swarm-manager E run on a running swarm instead: E is a manager's endpoint (a docker
                    context, unix:///path/docker.sock or tcp://host:port)
  --swarm-node E    an endpoint per node of that swarm (repeat it; the manager too if it runs tasks)`;

/** The swarm the run goes on, from the parsed flags; undefined: this host's engine. */
export function swarmPlan(values: Readonly<Record<string, unknown>>): SwarmPlan | undefined {
  const local = values.swarm === true;
  const nodes = typeof values.nodes === 'string' ? values.nodes : undefined;
  const manager = typeof values['swarm-manager'] === 'string' ? values['swarm-manager'] : undefined;
  const given = Array.isArray(values['swarm-node']) ? (values['swarm-node'] as string[]) : [];
  if (manager !== undefined) {
    if (local || nodes !== undefined) throw new RunUsageError('--swarm-manager runs on a given swarm; it does not go with --swarm or --nodes');
    if (manager.trim() === '' || given.length === 0 || given.some((g) => g.trim() === '')) throw new RunUsageError('--swarm-manager needs the endpoint of every node too (--swarm-node E, once per node)');
    return { kind: 'given', manager, nodes: given };
  }
  if (given.length > 0) throw new RunUsageError('--swarm-node needs --swarm-manager');
  if (!local) {
    if (nodes !== undefined) throw new RunUsageError('--nodes needs --swarm');
    return undefined;
  }
  if (nodes === undefined) return { kind: 'local', nodes: DEFAULT_NODES };
  if (!/^\d+$/.test(nodes.trim()) || Number(nodes) < 1 || Number(nodes) > MAX_NODES) throw new RunUsageError(`--nodes must be a whole number from 1 to ${MAX_NODES}, got ${JSON.stringify(nodes)}`);
  return { kind: 'local', nodes: Number(nodes) };
}
