/**
 * A lottery run deployed as a stack on a swarm: what a StartedLotteryRun offers (waits, faults,
 * results, the checker, the report, artifacts), read through the nodes, plus what only a swarm
 * has: where each task ran (placement()) and whole-node partitions (partitionNode()).
 * stop() removes the stack and whatever the run made (a local cluster goes whole).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../checker/check-result.js';
import type { PreparedDataset } from '../datasets/datasets.js';
import { FaultError, type ShapedContainer, type Shaping } from '../faults/faults.js';
import { shaperArguments } from '../faults/net-shaper.js';
import { renderTimelineReport } from '../report/timeline-report.js';
import { readSingleFile } from '../results/tar-file.js';
import { BETS_FILE_IN_CONTAINER } from '../run/run-config.js';
import { LABEL_RUN_ID, type RunIdentity } from '../run/run-identity.js';
import type { ServiceSpec } from '../run/run-plan.js';
import { RunBase } from '../run/run-base.js';
import type { StartedRun } from '../run/started-run.js';
import type { Timeline } from '../run/timeline.js';
import { OUTPUT_VOLUME } from '../../compose-templates/stack-model.js';
import { laneEntries } from './lanes.js';
import type { NodeHelper, NodeHelpers } from './node-helper.js';
import { removeStack } from './stack-deploy.js';
import { type Swarm, SwarmError, type SwarmNode } from './swarm.js';
import type { SwarmServiceHandle } from './task-handle.js';
import type { TaskWatcher } from './task-watcher.js';

export interface SwarmRunParts {
  readonly identity: RunIdentity;
  readonly swarm: Swarm;
  readonly stack: string;
  readonly timeline: Timeline;
  readonly dir: string;
  readonly plan: readonly ServiceSpec[];
  readonly dataset: PreparedDataset | undefined;
  readonly serverImage: string;
  readonly helpers: NodeHelpers;
  readonly serverNode: SwarmNode;
  readonly handles: readonly SwarmServiceHandle[];
  readonly laneOf: Map<number, string>;
  readonly watcher: TaskWatcher;
}

/** Where each task ran: the server's node and each agency's (its last task's). */
export interface Placement {
  readonly server: string | undefined;
  readonly agencies: Readonly<Record<string, string | undefined>>;
}

export class StartedSwarmRun extends RunBase<SwarmServiceHandle> implements StartedRun {
  private readonly handles: Map<string, SwarmServiceHandle>;
  private stopping: Promise<void> | undefined;

  constructor(private readonly parts: SwarmRunParts) {
    super(parts);
    this.handles = new Map(parts.handles.map((h) => [h.service, h]));
  }

  get stackName(): string {
    return this.parts.stack;
  }

  get networkName(): string {
    return `${this.parts.stack}_testing_net`;
  }

  get swarm(): Swarm {
    return this.parts.swarm;
  }

  get nodes(): readonly SwarmNode[] {
    return this.parts.swarm.nodes;
  }

  node(name: string): SwarmNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new SwarmError(`no node "${name}" in this swarm (${this.nodes.map((n) => n.name).join(', ')})`);
    return node;
  }

  service(name: string): SwarmServiceHandle {
    const h = this.handles.get(name);
    if (!h) throw new SwarmError(`no service "${name}" in this run (${[...this.handles.keys()].join(', ')})`);
    return h;
  }

  get clients(): SwarmServiceHandle[] {
    return [...this.handles.values()].filter((h) => h.role === 'client');
  }

  protected services(): SwarmServiceHandle[] {
    return [...this.handles.values()];
  }

  placement(): Placement {
    return { server: this.server.node, agencies: Object.fromEntries(this.clients.map((c) => [c.service, c.node])) };
  }

  /** Loss or bandwidth on the target's current task, from a helper on its node. */
  async shapeNetwork(target: SwarmServiceHandle, shaping: Shaping): Promise<ShapedContainer> {
    const life = target.current;
    if (!life) throw new FaultError(`${target.service} has no task to shape`);
    const helper = await this.parts.helpers.start(life.node, `container:${life.containerId}`, shaperArguments(shaping), `net-${target.service}`);
    return { heal: () => helper.heal(), helperName: `${target.service}@${life.node.name}`, helperId: '', applied: helper.applied, directions: helper.applied.includes('egress only') ? 'egress' : 'both' };
  }

  /** Cuts `name` off every other node (iptables on the node itself) until healed. */
  partitionNode(name: string): Promise<NodeHelper> {
    const node = this.node(name);
    const peers = this.nodes.filter((n) => n !== node).map((n) => n.address);
    if (peers.length === 0) throw new FaultError(`${name} is the only node: there is nothing to partition it from`);
    return this.parts.helpers.start(node, 'host', ['isolate', ...peers], `partition-${name}`);
  }

  /** Whether the service's current task runs (a node: whether it is in the swarm). */
  async isRunning(service: string): Promise<boolean> {
    if (this.nodes.some((n) => n.name === service)) return true;
    return this.service(service).isRunning();
  }

  /** bets.csv as a file, from the server's volume on its node (through a container that is never started). */
  private async betsFile(): Promise<Buffer> {
    const node = this.parts.serverNode;
    const name = this.parts.identity.containerName(this.freshName('read-bets'));
    const reader = await node.api.createContainer({
      name,
      Image: this.parts.serverImage,
      Labels: this.parts.identity.labels('read-bets'),
      HostConfig: { Binds: [`${this.parts.stack}_${OUTPUT_VOLUME}:/output:ro`] },
    });
    try {
      return await readSingleFile(await node.client.getArchive(reader.id, BETS_FILE_IN_CONTAINER));
    } finally {
      await node.client.removeContainer(reader.id);
    }
  }

  async copyBetsCsv(): Promise<string> {
    return (await this.betsFile()).toString('utf8');
  }

  /** A stack's tasks go with the stack: nothing to remove early. */
  async removeExitedClients(): Promise<void> {}

  /** The timeline report with one lane per task, each named after its service and node. */
  async report(facts: Readonly<Record<string, string>> = {}, check?: CheckResult): Promise<string> {
    let summary = check;
    if (!summary && this.parts.dataset) summary = await this.check().catch(() => undefined);
    const nodes = this.nodes.map((n) => n.name);
    return renderTimelineReport({
      title: `run ${this.id} on a swarm`,
      entries: laneEntries(this.timeline.entries, this.parts.laneOf, nodes),
      check: summary,
      facts: { run: this.id, swarm: `${this.parts.swarm.description}: ${nodes.join(', ')}`, stack: this.parts.stack, dataset: this.parts.dataset?.description ?? 'none', ...facts },
    });
  }

  async saveArtifacts(dir: string, check?: CheckResult): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const entries = laneEntries(this.timeline.entries, this.parts.laneOf, this.nodes.map((n) => n.name));
    for (const lane of new Set(entries.map((e) => e.source))) {
      writeFileSync(join(dir, `${lane}.log`), entries.filter((e) => e.source === lane).map((e) => e.text).join('\n') + '\n');
    }
    writeFileSync(join(dir, 'timeline.json'), JSON.stringify(this.timeline.entries, null, 1) + '\n');
    writeFileSync(join(dir, 'placement.json'), JSON.stringify(this.placement(), null, 1) + '\n');
    writeFileSync(join(dir, 'report.html'), await this.report({}, check));
    try {
      writeFileSync(join(dir, 'bets.csv'), await this.betsFile());
    } catch (err) {
      writeFileSync(join(dir, 'bets.csv.missing'), `${(err as Error).message}\n`);
    }
  }

  /** Removes the stack, the run's helpers and volume (a given swarm) or the whole cluster (a local one). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.parts.watcher.close();
      this.timeline.close('the run was stopped');
      if (this.parts.swarm.local) {
        await this.parts.swarm.remove();
      } else {
        await removeStack(this.parts.swarm.manager, this.parts.stack).catch(() => {});
        await Promise.allSettled(this.nodes.map((n) => removeRunContainers(n, this.id)));
        await this.parts.serverNode.api.getVolume(`${this.parts.stack}_${OUTPUT_VOLUME}`).remove().catch(() => {});
      }
      rmSync(this.parts.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The run's containers on a node (helpers; the stack's tasks once `stack rm` stopped them), waited for. */
async function removeRunContainers(node: SwarmNode, runId: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const left = await node.client.listContainers({ [LABEL_RUN_ID]: runId });
    await Promise.allSettled(left.map((c) => node.client.removeContainer(c.id)));
    if (left.length === 0 || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
