/**
 * The compose file as typed objects: one server and clients client1..clientN on one network.
 * Only `toYaml` turns it into text (with the `yaml` package). The document has no top-level
 * `name:` and no `version:`, so that both `docker compose` (v2) and `docker-compose` 1.29
 * (which reads a version-less file as the Compose Specification) accept it.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { Document } from 'yaml';

export const NETWORK_NAME = 'testing_net';
export const SERVER_SERVICE = 'server';
export const DEFAULT_SERVER_IMAGE = 'tp0-server:latest';
export const DEFAULT_CLIENT_IMAGE = 'tp0-client:latest';
/** Bind-mount sources, resolved by compose relative to the compose file. */
export const OUTPUT_DIR_SOURCE = '${TP0_OUTPUT_DIR:-./.output}';
export const DATA_DIR_SOURCE = '${TP0_DATA_DIR:-./.data}';
export const SERVER_CONFIG_TARGET = '/config/config.ini';
export const CLIENT_CONFIG_TARGET = '/config/config.yaml';
export const STOP_GRACE_PERIOD = '10s';
export const PROJECT_LABELS: Readonly<Record<string, string>> = { 'tp0.project': 'tp0' };

export interface ComposeService {
  readonly container_name: string;
  readonly image: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Short syntax, `source:target[:ro]`. */
  readonly volumes: readonly string[];
  readonly networks: readonly string[];
  readonly depends_on?: readonly string[];
  readonly stop_grace_period: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ComposeNetwork {
  readonly driver: 'bridge';
  readonly labels: Readonly<Record<string, string>>;
}

export interface ComposeDocument {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
}

export interface ComposeOptions {
  /** Number of agency clients, 0 or more. */
  readonly clients: number;
  readonly serverImage: string;
  readonly clientImage: string;
  /** Server INI file as compose should read it (relative to the compose file, or absolute). */
  readonly serverConfig: string;
  /** Client YAML file, same rules. */
  readonly clientConfig: string;
}

export class ComposeOptionsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ComposeOptionsError';
  }
}

export function clientName(id: number): string {
  return `client${id}`;
}

function checkMountSource(what: string, path: string): void {
  if (path.length === 0) throw new ComposeOptionsError(`${what} is empty`);
  if (path.includes(':')) throw new ComposeOptionsError(`${what} must not contain ':' (compose short volume syntax): ${path}`);
}

function mount(source: string, target: string, readOnly: boolean): string {
  return `${source}:${target}${readOnly ? ':ro' : ''}`;
}

export function serverService(options: ComposeOptions): ComposeService {
  return {
    container_name: SERVER_SERVICE,
    image: options.serverImage,
    environment: { SERVER_AGENCIES: String(options.clients) },
    volumes: [
      mount(options.serverConfig, SERVER_CONFIG_TARGET, true),
      mount(OUTPUT_DIR_SOURCE, '/output', false),
    ],
    networks: [NETWORK_NAME],
    stop_grace_period: STOP_GRACE_PERIOD,
    labels: { ...PROJECT_LABELS },
  };
}

export function clientService(id: number, options: ComposeOptions): ComposeService {
  const data = `agency-${id}.csv`;
  return {
    container_name: clientName(id),
    image: options.clientImage,
    environment: { CLI_ID: String(id) },
    volumes: [
      mount(options.clientConfig, CLIENT_CONFIG_TARGET, true),
      mount(`${DATA_DIR_SOURCE}/${data}`, `/data/${data}`, true),
    ],
    networks: [NETWORK_NAME],
    depends_on: [SERVER_SERVICE],
    stop_grace_period: STOP_GRACE_PERIOD,
    labels: { ...PROJECT_LABELS },
  };
}

export function buildCompose(options: ComposeOptions): ComposeDocument {
  if (!Number.isSafeInteger(options.clients) || options.clients < 0) {
    throw new ComposeOptionsError(`the number of clients must be a whole number >= 0, got ${options.clients}`);
  }
  if (options.serverImage.length === 0 || options.clientImage.length === 0) {
    throw new ComposeOptionsError('image names must not be empty');
  }
  checkMountSource('the server config path', options.serverConfig);
  checkMountSource('the client config path', options.clientConfig);
  const services: Record<string, ComposeService> = { [SERVER_SERVICE]: serverService(options) };
  for (let id = 1; id <= options.clients; id += 1) services[clientName(id)] = clientService(id, options);
  return {
    services,
    networks: { [NETWORK_NAME]: { driver: 'bridge', labels: { ...PROJECT_LABELS } } },
  };
}

/** The YAML text (of a compose or a stack document), with a header comment saying where it came from. */
export function toYaml(document: object, header?: string): string {
  const doc = new Document(document);
  if (header !== undefined) doc.commentBefore = header.split('\n').map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

/**
 * How a compose file in `composeDir` names the host file `file` (both absolute): relative to
 * the compose file, as compose resolves bind sources, with a leading `./` so that it is a
 * path and not a named volume.
 */
export function mountPathFrom(composeDir: string, file: string): string {
  const rel = relative(composeDir, file);
  if (isAbsolute(rel)) return rel;
  const posix = rel.split(sep).join('/');
  return posix.startsWith('../') ? posix : `./${posix}`;
}
