/**
 * The same system as a Docker Swarm stack (`docker stack deploy -c <file> <name>`), derived
 * from the compose model's own services (compose-model.ts), so that image, environment, config
 * files and grace period are shared, never copied. What a swarm needs on top (compose 3.8):
 *  - `deploy:` blocks: one replica each, `endpoint_mode: dnsrr` (a kernel without IPVS cannot
 *    route service virtual IPs; dnsrr needs none), a restart policy per fault semantics;
 *  - the config files as swarm `configs` (the CLI reads them at deploy time);
 *  - the server pinned to one node, with a local named volume for bets.csv: a replacement task
 *    comes back on the same node and finds the same file;
 *  - an attachable overlay network instead of a bridge.
 * Per-agency data: either the compose model's own bind mount of the data folder (it must
 * exist at that path on every node) or a data image that carries /data (see StackData).
 */
import {
  buildCompose,
  CLIENT_CONFIG_TARGET,
  type ComposeOptions,
  type ComposeService,
  ComposeOptionsError,
  NETWORK_NAME,
  PROJECT_LABELS,
  SERVER_CONFIG_TARGET,
  SERVER_SERVICE,
} from './compose-model.js';

export const STACK_FILE_VERSION = '3.8';
export const SERVER_CONFIG_NAME = 'server_config';
export const CLIENT_CONFIG_NAME = 'client_config';
export const OUTPUT_VOLUME = 'output';
export const OUTPUT_TARGET = '/output';
export const DATA_TARGET = '/data';
/** How long swarm waits before it starts a replacement task. */
export const RESTART_DELAY = '1s';
/** A client that keeps failing (bad rows, a bad config) is not restarted for ever. */
export const CLIENT_MAX_ATTEMPTS = 10;

/**
 * Where clients find /data/agency-<id>.csv:
 *  - `bind`: the compose model's mount of ${TP0_DATA_DIR:-./.data}, which must exist at that
 *    path on every node that runs a client (one node, or a folder shared by NFS);
 *  - `image`: clients run `image` (the client image with /data in it), which travels to every
 *    node like the other images (docker load, or a registry).
 */
export type StackData = { readonly kind: 'bind' } | { readonly kind: 'image'; readonly image: string };

export interface StackOptions extends ComposeOptions {
  /** Hostname of the node the server runs on; undefined: a manager (one-manager swarms). */
  readonly serverNode: string | undefined;
  readonly data: StackData;
  /** Labels put on every service, container, network, volume and config (e.g. a run's). */
  readonly labels?: Readonly<Record<string, string>>;
}

export type StackMount =
  | { readonly type: 'volume'; readonly source: string; readonly target: string }
  | { readonly type: 'bind'; readonly source: string; readonly target: string; readonly read_only: boolean };

export interface StackRestartPolicy {
  /** `any` for the server (a crashed or stopped server comes back); `on-failure` for clients (done is done). */
  readonly condition: 'any' | 'on-failure';
  readonly delay: string;
  readonly max_attempts?: number;
}

export interface StackDeploy {
  readonly mode: 'replicated';
  readonly replicas: number;
  readonly endpoint_mode: 'dnsrr';
  readonly restart_policy: StackRestartPolicy;
  readonly placement?: { readonly constraints: readonly string[] };
  readonly labels: Readonly<Record<string, string>>;
}

export interface StackService {
  readonly image: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly configs: readonly { readonly source: string; readonly target: string }[];
  readonly volumes: readonly StackMount[];
  readonly networks: readonly string[];
  readonly stop_grace_period: string;
  /** Container labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly deploy: StackDeploy;
}

export interface StackDocument {
  readonly version: string;
  readonly services: Readonly<Record<string, StackService>>;
  readonly networks: Readonly<Record<string, { readonly driver: 'overlay'; readonly attachable: true; readonly labels: Readonly<Record<string, string>> }>>;
  readonly volumes: Readonly<Record<string, { readonly labels: Readonly<Record<string, string>> }>>;
  readonly configs: Readonly<Record<string, { readonly file: string; readonly labels: Readonly<Record<string, string>> }>>;
}

interface ShortMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** `source:target[:ro|rw]`, read from the right: the source may hold `${VAR:-default}`. */
export function parseShortMount(volume: string): ShortMount {
  const m = /^(.+):(\/[^:]*)(?::(ro|rw))?$/.exec(volume);
  if (!m) throw new ComposeOptionsError(`cannot read volume "${volume}"`);
  return { source: m[1] as string, target: m[2] as string, readOnly: m[3] === 'ro' };
}

const isData = (target: string): boolean => target === DATA_TARGET || target.startsWith(`${DATA_TARGET}/`);

/** A compose service as a stack service: its mounts sorted into configs, the output volume and data. */
function stackService(service: ComposeService, options: StackOptions, role: 'server' | 'client'): StackService {
  const labels = { ...service.labels, ...options.labels };
  const configs: { source: string; target: string }[] = [];
  const volumes: StackMount[] = [];
  for (const mount of service.volumes.map(parseShortMount)) {
    if (mount.target === SERVER_CONFIG_TARGET) configs.push({ source: SERVER_CONFIG_NAME, target: mount.target });
    else if (mount.target === CLIENT_CONFIG_TARGET) configs.push({ source: CLIENT_CONFIG_NAME, target: mount.target });
    else if (mount.target === OUTPUT_TARGET) volumes.push({ type: 'volume', source: OUTPUT_VOLUME, target: OUTPUT_TARGET });
    else if (isData(mount.target)) {
      if (options.data.kind === 'bind') volumes.push({ type: 'bind', source: mount.source, target: mount.target, read_only: mount.readOnly });
    } else throw new ComposeOptionsError(`the compose model mounts ${mount.source} at ${mount.target}; the stack rendering does not know that mount`);
  }
  const server = role === 'server';
  const placement = server ? { placement: { constraints: [options.serverNode === undefined ? 'node.role == manager' : `node.hostname == ${options.serverNode}`] } } : {};
  return {
    image: !server && options.data.kind === 'image' ? options.data.image : service.image,
    environment: service.environment,
    configs,
    volumes,
    networks: service.networks,
    stop_grace_period: service.stop_grace_period,
    labels,
    deploy: {
      mode: 'replicated',
      replicas: 1,
      endpoint_mode: 'dnsrr',
      restart_policy: server ? { condition: 'any', delay: RESTART_DELAY } : { condition: 'on-failure', delay: RESTART_DELAY, max_attempts: CLIENT_MAX_ATTEMPTS },
      ...placement,
      labels: { ...labels },
    },
  };
}

export function buildStack(options: StackOptions): StackDocument {
  if (options.serverNode !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.serverNode)) {
    throw new ComposeOptionsError(`the server node must be a node's hostname, got "${options.serverNode}"`);
  }
  if (options.data.kind === 'image' && options.data.image.length === 0) throw new ComposeOptionsError('the data image name must not be empty');
  const compose = buildCompose(options);
  const labels = { ...PROJECT_LABELS, ...options.labels };
  const services: Record<string, StackService> = {};
  for (const [name, service] of Object.entries(compose.services)) {
    services[name] = stackService(service, options, name === SERVER_SERVICE ? 'server' : 'client');
  }
  return {
    version: STACK_FILE_VERSION,
    services,
    networks: { [NETWORK_NAME]: { driver: 'overlay', attachable: true, labels: { ...labels } } },
    volumes: { [OUTPUT_VOLUME]: { labels: { ...labels } } },
    configs: {
      [SERVER_CONFIG_NAME]: { file: options.serverConfig, labels: { ...labels } },
      [CLIENT_CONFIG_NAME]: { file: options.clientConfig, labels: { ...labels } },
    },
  };
}
