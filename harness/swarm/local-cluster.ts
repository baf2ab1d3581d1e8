/**
 * A local swarm of Docker-in-Docker nodes, built for one run on this machine's engine and
 * removed with it. Each node is a container of tp0-swarm-node:local (node-image.ts) that runs
 * its own dockerd; nodes share a bridge network of the run; node1 runs `swarm init` and the
 * others join by their bridge addresses. Every node container and the network carry the run's
 * labels, so the stale clean-up of crashed runs removes them like any run resource (the
 * node's /var/lib/docker is an anonymous volume, removed with the container).
 *
 * Nodes cannot be --privileged here (CAP_SYS_RESOURCE is withheld), so a node gets every
 * capability but that one, no seccomp, AppArmor or masked paths, every device, and a private
 * cgroup namespace; its start script remounts /sys and the cgroups read-write.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type { DockerClient } from '../docker/docker-client.js';
import { ensureSwarmNodeImage, NODE_SOCKET, NODE_SOCKET_DIR } from './node-image.js';
import { connectNode } from './node-endpoint.js';
import { type Swarm, SwarmError, type SwarmNode, type SwarmOpenContext, type SwarmSource } from './swarm.js';

export interface LocalClusterOptions {
  readonly nodes: number;
  /** How long a node's dockerd may take to answer (default 60 s). */
  readonly startTimeoutMs: number;
}

const SWARM_PORT = 2377;
/** `--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt
 *  apparmor=unconfined --security-opt systempaths=unconfined (no masked or read-only paths)
 *  --device-cgroup-rule 'a *:* rwm' --cgroupns private`, as the Engine API takes them. */
function nodeHostConfig(socketDir: string, network: string): Dockerode.HostConfig & { CgroupnsMode: string } {
  return {
    CapAdd: ['ALL'],
    CapDrop: ['SYS_RESOURCE'],
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    MaskedPaths: [],
    ReadonlyPaths: [],
    DeviceCgroupRules: ['a *:* rwm'],
    CgroupnsMode: 'private',
    Binds: [`${socketDir}:${NODE_SOCKET_DIR}`],
    NetworkMode: network,
  };
}

export const nodeName = (i: number): string => `node${i}`;

/** Resolves once the node's dockerd says it listens on the socket the harness reaches. */
async function listening(host: DockerClient, id: string, timeoutMs: number): Promise<void> {
  const seen: string[] = [];
  const lines = host.followLogs(id)[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SwarmError(`node ${id.slice(0, 12)}: dockerd did not listen within ${timeoutMs} ms:\n${seen.slice(-10).join('\n')}`)), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([lines.next(), timeout]);
      if (next.done) throw new SwarmError(`node ${id.slice(0, 12)} stopped while starting:\n${seen.slice(-10).join('\n')}`);
      seen.push(next.value.text);
      if (next.value.text.includes(`API listen on ${NODE_SOCKET}`)) return;
    }
  } finally {
    clearTimeout(timer);
    // Ends the log stream (the iterator's return closes it).
    void lines.return?.();
  }
}

async function waitForReadyNodes(manager: SwarmNode, count: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const nodes = (await manager.api.listNodes()) as { Status?: { State?: string } }[];
    if (nodes.filter((n) => n.Status?.State === 'ready').length >= count) return;
    if (Date.now() > until) throw new SwarmError(`the swarm has ${nodes.length} nodes, not ${count} ready ones, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface StartedNode {
  readonly name: string;
  readonly id: string;
  readonly address: string;
  readonly endpoint: string;
}

export class LocalCluster implements SwarmSource {
  readonly description: string;

  constructor(private readonly options: Partial<LocalClusterOptions> & Pick<LocalClusterOptions, 'nodes'>) {
    if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new SwarmError(`a local swarm needs 1 node or more, got ${options.nodes}`);
    this.description = `local swarm of ${options.nodes} Docker-in-Docker node${options.nodes === 1 ? '' : 's'}`;
  }

  async open(ctx: SwarmOpenContext): Promise<Swarm> {
    const host = ctx.host;
    const image = await ensureSwarmNodeImage(ctx.host);
    if (image.created) ctx.log(`swarm: imported ${image.image.repoTags[0] ?? 'the node image'} in ${Math.round(image.ms)} ms`);
    const networkName = `tp0-${ctx.identity.runId}-swarm`;
    const containers: string[] = [];
    let networkId: string | undefined;
    const remove = async (): Promise<void> => {
      await Promise.allSettled(containers.map((id) => ctx.host.removeContainer(id)));
      if (networkId !== undefined) await ctx.host.removeNetwork(networkId).catch(() => {});
    };
    try {
      networkId = (await ctx.host.createNetwork(networkName, ctx.identity.labels('swarm'))).id;
      const timeout = this.options.startTimeoutMs ?? 60_000;
      // Every start settles before a failure is thrown: the catch below then removes them all.
      const settled = await Promise.allSettled(
        Array.from({ length: this.options.nodes }, async (_, i): Promise<StartedNode> => {
          const name = nodeName(i + 1);
          const socketDir = join(ctx.dir, name);
          mkdirSync(socketDir, { recursive: true });
          const id = await host.createContainerFromSpec({
            name: ctx.identity.containerName(name),
            hostname: name,
            image: image.image.id,
            labels: ctx.identity.labels(name),
            volumes: ['/var/lib/docker'],
            hostConfig: nodeHostConfig(socketDir, networkName),
          });
          containers.push(id);
          await host.startContainer(id);
          await listening(host, id, timeout);
          const address = await host.containerAddress(id, networkName);
          if (!address) throw new SwarmError(`${name} has no address on ${networkName}`);
          return { name, id, address, endpoint: `unix://${join(socketDir, 'docker.sock')}` };
        }),
      );
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      const started = settled.map((s) => (s as PromiseFulfilledResult<StartedNode>).value);
      const [first, ...others] = started as [StartedNode, ...StartedNode[]];
      const firstApi = new Dockerode({ socketPath: first.endpoint.slice('unix://'.length) });
      await firstApi.swarmInit({ ListenAddr: `0.0.0.0:${SWARM_PORT}`, AdvertiseAddr: first.address });
      const token = ((await firstApi.swarmInspect()) as { JoinTokens: { Worker: string } }).JoinTokens.Worker;
      await Promise.all(
        others.map((n) =>
          new Dockerode({ socketPath: n.endpoint.slice('unix://'.length) }).swarmJoin({
            ListenAddr: `0.0.0.0:${SWARM_PORT}`,
            AdvertiseAddr: n.address,
            RemoteAddrs: [`${first.address}:${SWARM_PORT}`],
            JoinToken: token,
          }),
        ),
      );
      const nodes = await Promise.all(started.map((n) => connectNode(n.endpoint, n.id)));
      const manager = nodes[0] as SwarmNode;
      await waitForReadyNodes(manager, nodes.length, timeout);
      ctx.log(`swarm: ${nodes.length} nodes ready (${nodes.map((n) => `${n.name} ${n.address}`).join(', ')})`);
      return { description: this.description, manager, nodes, local: true, remove };
    } catch (error) {
      await remove();
      throw error;
    }
  }
}
