/**
 * run.mjs on a swarm (--swarm, --swarm-manager): the run started as a stack there, the nemesis
 * told the swarm's nodes, and the summary told where each task ran (`serverNode`,
 * `agencies[].node`).
 */
import type { NemesisKind } from '../faults/nemesis.js';
import { SWARM_NEMESIS_KINDS } from '../faults/nemesis.js';
import type { LotteryRun } from '../run/lottery-run.js';
import type { StartedRun } from '../run/started-run.js';
import { StartedSwarmRun } from '../swarm/started-swarm-run.js';
import { Swarms } from '../swarm/swarms.js';
import type { SwarmPlan } from './swarm-options.js';
import type { AgencySummary, RunSummary } from './summary.js';

export function startRun(builder: LotteryRun, plan: SwarmPlan | undefined, note: (line: string) => void): Promise<StartedRun> {
  if (plan === undefined) return builder.start();
  const target = plan.kind === 'local' ? Swarms.local({ nodes: plan.nodes }) : Swarms.endpoints({ manager: plan.manager, nodes: plan.nodes });
  note(`on ${target.description}`);
  return builder.onSwarm(target).withLog(note).start();
}

/** The nemesis's extra targets on a swarm: its nodes, for node partitions. */
export function swarmNemesis(run: StartedRun): { nodes?: readonly string[]; kinds?: readonly NemesisKind[] } {
  if (!(run instanceof StartedSwarmRun) || run.nodes.length < 2) return {};
  return { nodes: run.nodes.map((n) => n.name), kinds: SWARM_NEMESIS_KINDS };
}

export type PlacedAgency = AgencySummary & { readonly node?: string | null };
export type PlacedSummary = Omit<RunSummary, 'agencies'> & { readonly serverNode?: string | null; readonly agencies: readonly PlacedAgency[] };

/** The summary with the node each agency and the server ran on (a swarm run's). */
export function withPlacement(summary: RunSummary, run: StartedRun | undefined): PlacedSummary {
  if (!(run instanceof StartedSwarmRun)) return summary;
  const placement = run.placement();
  return {
    ...summary,
    serverNode: placement.server ?? null,
    agencies: summary.agencies.map((a) => ({ ...a, node: placement.agencies[a.service] ?? null })),
  };
}

/** `nodes: server node1 · client1 node3 · …` for the table, or nothing. */
export function placementText(summary: PlacedSummary): string {
  if (summary.serverNode === undefined) return '';
  const parts = [`server ${summary.serverNode ?? '?'}`, ...summary.agencies.map((a) => `${a.service} ${a.node ?? '?'}`)];
  return `nodes:        ${parts.join(' · ')}\n`;
}
