/**
 * Builds a lottery run on a swarm from a LotteryRun's settings:
 *
 *   const run = await new LotteryRun().withClients(12).onSwarm(Swarms.local({ nodes: 3 })).start();
 *
 * start(): the project's images and the run's data image on this host; the swarm opened (a
 * local cluster is built now); the images loaded into every node that lacks them; one event
 * stream per node to follow every task; the stack rendered from the compose model and deployed
 * with `docker stack deploy`; resolved once the server and every client logged their ready
 * lines. A failed start removes what it made, then rethrows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerClient } from '../docker/docker-client.js';
import { CLIENT_READY, projectImages, RunSetupError, SERVER_READY } from '../run/lottery-run.js';
import { writeRunConfigs } from '../run/run-config.js';
import { RunIdentity } from '../run/run-identity.js';
import { planServices } from '../run/run-plan.js';
import type { RunSettings } from '../run/run-settings.js';
import { cleanupStaleRuns, OWNER_FILE, RUN_DIR_PREFIX } from '../run/stale-cleanup.js';
import { Timeline } from '../run/timeline.js';
import { distributeImages, ensureDataImage } from './images.js';
import { NodeHelpers } from './node-helper.js';
import { deployStack, removeStack, runStack } from './stack-deploy.js';
import { StartedSwarmRun } from './started-swarm-run.js';
import type { Swarm, SwarmSource } from './swarm.js';
import { SwarmServiceHandle } from './task-handle.js';
import { watchTasks, type TaskWatcher } from './task-watcher.js';

/** Milliseconds each phase of start() took (what bench:swarm prints). */
export interface SwarmStartTimes {
  /** Opening the swarm: building a local cluster (nodes up, swarm formed). */
  readonly cluster: number;
  /** The data image and loading the images into the nodes. */
  readonly images: number;
  /** `docker stack deploy` until the server and every client logged their ready lines. */
  readonly deploy: number;
}

export class SwarmLotteryRun {
  private serverNode: string | undefined;
  private log: (line: string) => void = () => {};

  constructor(
    private readonly settings: RunSettings,
    private readonly source: SwarmSource,
  ) {}

  /** The node (hostname) that runs the server and keeps bets.csv; default: the manager. */
  withServerNode(name: string): this {
    this.serverNode = name;
    return this;
  }

  /** Where progress lines go (cluster built, images loaded); default: nowhere. */
  withLog(log: (line: string) => void): this {
    this.log = log;
    return this;
  }

  async start(): Promise<StartedSwarmRun & { readonly startTimes: SwarmStartTimes }> {
    const s = this.settings;
    const docker = s.docker ?? createDockerClient();
    await docker.ping();
    const images = await projectImages();
    await cleanupStaleRuns(docker);
    const dataset = await s.dataset?.prepare();
    if (dataset && dataset.agencies.length < s.clients) {
      throw new RunSetupError(`${s.clients} clients but the dataset (${dataset.description}) has ${dataset.agencies.length} agencies`);
    }
    const identity = RunIdentity.create();
    const stack = `tp0-${identity.runId}`;
    const dir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${identity.runId}-`));
    writeFileSync(join(dir, OWNER_FILE), String(process.pid));
    const timeline = new Timeline();
    let swarm: Swarm | undefined;
    let watcher: TaskWatcher | undefined;
    let deployed = false;
    try {
      const configs = writeRunConfigs(dir, s.serverIni, s.clientYaml);
      const plan = planServices({ clients: s.clients, serverImage: images.server.tag, clientImage: images.client.tag, ...configs, dataDir: dataset?.dir, serverEnv: s.serverEnv, clientEnv: s.clientEnv });
      let t = performance.now();
      swarm = await this.source.open({ identity, host: docker, dir, log: this.log });
      const cluster = performance.now() - t;
      t = performance.now();
      const dataImage = dataset ? await ensureDataImage(docker, dataset, images.client.id) : images.client.tag;
      const shipped = await distributeImages([images.server.tag, dataImage, images.netTools.tag], swarm.nodes, dir);
      if (shipped.nodes > 0) this.log(`swarm: images (${Math.round(shipped.bytes / 1e6)} MB) loaded into ${shipped.nodes} node(s) in ${Math.round(shipped.ms)} ms`);
      const imagesMs = performance.now() - t;
      t = performance.now();
      const laneOf = new Map<number, string>();
      const helpers = new NodeHelpers(identity, images.netTools.tag);
      const manager = swarm.manager;
      const handleContext = {
        manager,
        timeline,
        laneOf,
        isolate: (node: Parameters<typeof helpers.start>[0], containerId: string, service: string) => helpers.start(node, `container:${containerId}`, ['isolate'], `partition-${service}`),
      };
      const handles = plan.map((spec) => new SwarmServiceHandle(spec.name, `${stack}_${spec.name}`, spec.role, spec.role === 'server' ? SERVER_READY : CLIENT_READY, handleContext));
      const byName = new Map(handles.map((h) => [h.stackService, h]));
      watcher = await watchTasks(swarm.nodes, stack, (node, containerId, service) => byName.get(service)?.adopt(node, containerId));
      const serverNodeName = this.serverNode ?? manager.name;
      const serverNode = swarm.nodes.find((n) => n.name === serverNodeName);
      if (!serverNode) throw new RunSetupError(`no node ${serverNodeName} in the swarm for the server (${swarm.nodes.map((n) => n.name).join(', ')})`);
      const document = runStack({
        clients: s.clients,
        serverImage: images.server.tag,
        dataImage,
        ...configs,
        serverNode: serverNode.name,
        labels: identity.labels(),
        serverEnv: s.serverEnv,
        clientEnv: s.clientEnv,
      });
      deployed = true;
      await deployStack(manager, dir, stack, document);
      // Every task of the stack starts at once: allow a second per task beyond the run's start-up time.
      const readyWithin = s.startupTimeoutMs + 1000 * handles.length;
      await Promise.all(handles.map((h) => h.waitReady(readyWithin)));
      const run = new StartedSwarmRun({ identity, swarm, stack, timeline, dir, plan, dataset, serverImage: images.server.tag, helpers, serverNode, handles, laneOf, watcher });
      return Object.assign(run, { startTimes: { cluster, images: imagesMs, deploy: performance.now() - t } });
    } catch (err) {
      watcher?.close();
      if (swarm?.local) await swarm.remove();
      else if (swarm && deployed) await removeStack(swarm.manager, stack).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      timeline.close('the run failed to start');
      throw err;
    }
  }
}
