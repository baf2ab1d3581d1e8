/** The dockerode-backed DockerClient: the image half (DockerodeImages) plus containers and networks. */
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import type { ContainerCreateSpec, ContainerSummary, CreateContainerOptions, DockerClient, FollowOptions, LogLine, NetworkSummary } from './docker-api.js';
import { DockerClientError } from './docker-errors.js';
import { LineSplitter } from '../logs/line-splitter.js';
import { DockerodeImages, errorText, statusCodeOf } from './dockerode-images.js';

type ContainerInfo = Awaited<ReturnType<Dockerode.Container['inspect']>>;

function toSummary(info: ContainerInfo): ContainerSummary {
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: info.Config?.Labels ?? {},
    image: info.Image,
    running: info.State.Running,
    paused: info.State.Paused,
    exitCode: info.State.ExitCode,
    startedAt: info.State.StartedAt,
    finishedAt: info.State.FinishedAt,
    pid: info.State.Pid,
  };
}

function labelFilter(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
}

const NETWORK_REMOVE_ATTEMPTS = 5;

/** Runs `op`; a 404 (already gone) or 304 (already in that state) is not an error. */
/** How many times a pause the freezer gave up on is tried (see pauseContainer). */
const PAUSE_ATTEMPTS = 3;

async function tolerant(what: string, op: () => Promise<unknown>, tolerated: readonly number[] = [304, 404]): Promise<void> {
  try {
    await op();
  } catch (error) {
    const code = statusCodeOf(error);
    if (code !== undefined && tolerated.includes(code)) return;
    throw new DockerClientError(`${what}: ${errorText(error)}`, { cause: error });
  }
}

export class DockerodeClient extends DockerodeImages implements DockerClient {
  constructor(docker: Dockerode) {
    super(docker);
  }

  async createContainer(o: CreateContainerOptions): Promise<string> {
    const shared = o.network.startsWith('container:');
    try {
      const container = await this.docker.createContainer({
        name: o.name,
        Image: o.image,
        Env: Object.entries(o.environment ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: { ...o.labels },
        ...(o.entrypoint ? { Entrypoint: [...o.entrypoint] } : {}),
        ...(o.command ? { Cmd: [...o.command] } : {}),
        HostConfig: {
          NetworkMode: o.network,
          Binds: (o.mounts ?? []).map((m) => `${m.source}:${m.target}:${m.readOnly ? 'ro' : 'rw'}`),
          ...(o.capAdd ? { CapAdd: [...o.capAdd] } : {}),
          ...(o.log ? { LogConfig: { Type: o.log.driver, Config: { ...o.log.options } } } : {}),
        },
        ...(shared ? {} : { NetworkingConfig: { EndpointsConfig: { [o.network]: { Aliases: [...(o.aliases ?? [])] } } } }),
      });
      return container.id;
    } catch (error) {
      throw new DockerClientError(`cannot create container ${o.name} (${o.image}): ${errorText(error)}`, { cause: error });
    }
  }

  async inspectContainer(id: string): Promise<ContainerSummary | undefined> {
    try {
      return toSummary(await this.docker.getContainer(id).inspect());
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw new DockerClientError(`cannot inspect container ${id}: ${errorText(error)}`, { cause: error });
    }
  }

  killContainer(id: string, signal: string): Promise<void> {
    // 409: not running (it already stopped) — nothing to signal.
    return tolerant(`kill -s ${signal} ${id}`, () => this.docker.getContainer(id).kill({ signal }), [404, 409]);
  }

  stopContainer(id: string, graceSeconds: number): Promise<void> {
    return tolerant(`stop ${id}`, () => this.docker.getContainer(id).stop({ t: graceSeconds }));
  }

  async createContainerFromSpec(spec: ContainerCreateSpec): Promise<string> {
    try {
      const container = await this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        ...(spec.hostname === undefined ? {} : { Hostname: spec.hostname }),
        Labels: { ...spec.labels },
        Volumes: Object.fromEntries((spec.volumes ?? []).map((path) => [path, {}])),
        HostConfig: spec.hostConfig as Dockerode.HostConfig,
      });
      return container.id;
    } catch (error) {
      throw new DockerClientError(`cannot create container ${spec.name}: ${errorText(error)}`, { cause: error });
    }
  }

  async containerAddress(id: string, network: string): Promise<string | undefined> {
    try {
      return (await this.docker.getContainer(id).inspect()).NetworkSettings.Networks[network]?.IPAddress || undefined;
    } catch (error) {
      throw new DockerClientError(`cannot inspect container ${id}: ${errorText(error)}`, { cause: error });
    }
  }

  startContainer(id: string): Promise<void> {
    return tolerant(`start ${id}`, () => this.docker.getContainer(id).start(), [304]);
  }

  /**
   * docker pause. The cgroup freezer can give up on a busy machine (runc: "unable to freeze",
   * after which the container is thawed and running): tried up to PAUSE_ATTEMPTS times.
   */
  async pauseContainer(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await tolerant(`pause ${id}`, () => this.docker.getContainer(id).pause(), []);
        return;
      } catch (error) {
        if (attempt >= PAUSE_ATTEMPTS || !/unable to freeze/.test((error as Error).message)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  unpauseContainer(id: string): Promise<void> {
    return tolerant(`unpause ${id}`, () => this.docker.getContainer(id).unpause(), [404]);
  }

  async waitContainer(id: string): Promise<number> {
    try {
      const result = (await this.docker.getContainer(id).wait()) as { StatusCode: number };
      return result.StatusCode;
    } catch (error) {
      throw new DockerClientError(`cannot wait for container ${id}: ${errorText(error)}`, { cause: error });
    }
  }

  async watchExits(labels: Readonly<Record<string, string>>, onExit: (id: string, exitCode: number) => void): Promise<() => void> {
    const filters = JSON.stringify({ type: ['container'], event: ['die'], label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
    let stream: NodeJS.ReadableStream & { destroy(): void };
    try {
      stream = (await this.docker.getEvents({ filters })) as NodeJS.ReadableStream & { destroy(): void };
    } catch (error) {
      throw new DockerClientError(`cannot follow the engine's events: ${errorText(error)}`, { cause: error });
    }
    const lines = new LineSplitter();
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk.toString('utf8'))) {
        let event: { id?: unknown; Actor?: { Attributes?: Record<string, string> } };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          continue;
        }
        const code = Number(event.Actor?.Attributes?.exitCode);
        if (typeof event.id === 'string' && Number.isInteger(code)) onExit(event.id, code);
      }
    });
    stream.on('error', () => {});
    return () => stream.destroy();
  }

  removeContainer(id: string): Promise<void> {
    return tolerant(`remove ${id}`, () => this.docker.getContainer(id).remove({ force: true, v: true }), [404, 409]);
  }

  async listContainers(labels: Readonly<Record<string, string>>): Promise<ContainerSummary[]> {
    const list = await this.docker.listContainers({ all: true, filters: labelFilter(labels) });
    const out: ContainerSummary[] = [];
    for (const c of list) {
      const summary = await this.inspectContainer(c.Id);
      if (summary) out.push(summary);
    }
    return out;
  }

  async runningContainerIds(labels: Readonly<Record<string, string>>): Promise<string[]> {
    const list = await this.docker.listContainers({ filters: labelFilter(labels) });
    return list.map((c) => c.Id);
  }

  async *followLogs(id: string, { since, signal, tail }: FollowOptions = {}): AsyncIterable<LogLine> {
    const sinceSeconds = since === undefined ? 0 : Math.floor(Date.parse(since) / 1000);
    const container = this.docker.getContainer(id);
    if (signal?.aborted) return;
    const raw = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, since: sinceSeconds, ...(tail === undefined ? {} : { tail }) })) as NodeJS.ReadableStream & { destroy(): void };
    const merged = new PassThrough();
    this.docker.modem.demuxStream(raw, merged, merged);
    const stop = (): void => {
      raw.destroy();
      merged.end();
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    raw.on('end', () => merged.end());
    raw.on('close', () => merged.end());
    raw.on('error', (err: Error) => (signal?.aborted ? merged.end() : merged.destroy(err)));
    let partial = '';
    try {
      for await (const chunk of merged) {
        const text = partial + (typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8'));
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const parsed = splitTimestamp(line);
          // `since` has one-second resolution: skip what came before the exact instant asked for.
          if (since !== undefined && parsed.time < normalizeTime(since)) continue;
          yield parsed;
        }
      }
      // A line cut by an abort may be incomplete: only a stream that ended gives its last piece.
      if (partial !== '' && !signal?.aborted) yield splitTimestamp(partial);
    } finally {
      signal?.removeEventListener('abort', stop);
      // A consumer that stops early ends the engine's log stream too.
      raw.destroy();
    }
  }

  async getArchive(id: string, path: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.docker.getContainer(id).getArchive({ path });
    } catch (error) {
      throw new DockerClientError(`cannot copy ${path} out of ${id}: ${errorText(error)}`, { cause: error });
    }
  }

  async createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<NetworkSummary> {
    try {
      const network = await this.docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { ...labels } });
      return { id: network.id, name, labels };
    } catch (error) {
      throw new DockerClientError(`cannot create network ${name}: ${errorText(error)}`, { cause: error });
    }
  }

  /**
   * Removes a network. "Active endpoints" (a container still being removed, or an endpoint the
   * engine failed to release: dockerd 20.10 does that under load) are forced off and the removal
   * tried again, a few times.
   */
  async removeNetwork(id: string, { attempts = NETWORK_REMOVE_ATTEMPTS }: { readonly attempts?: number } = {}): Promise<void> {
    const network = this.docker.getNetwork(id);
    for (let attempt = 1; ; attempt++) {
      try {
        await network.remove();
        return;
      } catch (error) {
        const code = statusCodeOf(error);
        if (code === 404) return;
        if (code !== 403 || attempt >= attempts) throw new DockerClientError(`remove network ${id}: ${errorText(error)}`, { cause: error });
        const info = (await network.inspect().catch(() => undefined)) as { Containers?: Record<string, { Name?: string }> } | undefined;
        for (const [endpoint, { Name }] of Object.entries(info?.Containers ?? {})) {
          await network.disconnect({ Container: Name ?? endpoint, Force: true }).catch(() => {});
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  async listNetworks(labels: Readonly<Record<string, string>>): Promise<NetworkSummary[]> {
    const list = await this.docker.listNetworks({ filters: labelFilter(labels) });
    return list.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
  }

  connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void> {
    return tolerant(`connect ${container} to ${network}`, () =>
      this.docker.getNetwork(network).connect({ Container: container, EndpointConfig: { Aliases: [...aliases] } }), []);
  }

  disconnectNetwork(network: string, container: string): Promise<void> {
    return tolerant(`disconnect ${container} from ${network}`, () =>
      this.docker.getNetwork(network).disconnect({ Container: container, Force: true }), []);
  }
}

/** "2026-11-29T21:00:00.123456789Z text" → parts (docker's `timestamps: true` format). */
export function splitTimestamp(line: string): LogLine {
  const space = line.indexOf(' ');
  if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(line)) {
    return { time: normalizeTime(line.slice(0, space)), text: line.slice(space + 1).replace(/\r$/, '') };
  }
  return { time: '', text: line.replace(/\r$/, '') };
}

/** RFC 3339 UTC with exactly nine fraction digits, so that times compare as strings. */
export function normalizeTime(time: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z` : time;
}
