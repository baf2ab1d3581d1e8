/**
 * The compose file as typed objects: one server and clients client1..clientN on one network.
 * Only `toYaml` turns it into text (with the `yaml` package). The document has no top-level
 * `name:` and no `version:`, so that both `docker compose` (v2) and `docker-compose` 1.29
 * (which reads a version-less file as the Compose Specification) accept it.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { Document, isMap, isScalar } from 'yaml';

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
/** The container path of the data folder; client N reads agency-N.csv in it. */
export const DATA_DIR_TARGET = '/data';
/** Where each process learns the host path of its mounted config (for a clear error when Docker made it a directory). */
export const SERVER_CONFIG_HOST_VAR = 'SERVER_CONFIG_HOST_PATH';
export const CLIENT_CONFIG_HOST_VAR = 'CLI_CONFIG_HOST_PATH';
export const CLIENT_MODES = ['lottery', 'echo'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

/** Exercise 5's single bet, in the variables the client reads when it has no agency file. */
export interface SampleBet {
  readonly NOMBRE: string;
  readonly APELLIDO: string;
  readonly DOCUMENTO: string;
  readonly NACIMIENTO: string;
  readonly NUMERO: string;
}

/** The course's sample bet. */
export const COURSE_SAMPLE_BET: SampleBet = {
  NOMBRE: 'Santiago Lionel',
  APELLIDO: 'Lorca',
  DOCUMENTO: '30904465',
  NACIMIENTO: '1999-03-17',
  NUMERO: '7574',
};
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
  /** Put into every client's environment as CLI_MODE; when absent the client's own config decides. */
  readonly clientMode?: ClientMode;
  /** Every client's single bet (used only without an agency file); default COURSE_SAMPLE_BET. */
  readonly sampleBet?: SampleBet;
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
    environment: { SERVER_AGENCIES: String(options.clients), [SERVER_CONFIG_HOST_VAR]: options.serverConfig },
    volumes: [
      mount(options.serverConfig, SERVER_CONFIG_TARGET, true),
      mount(OUTPUT_DIR_SOURCE, '/output', false),
    ],
    networks: [NETWORK_NAME],
    stop_grace_period: STOP_GRACE_PERIOD,
    labels: { ...PROJECT_LABELS },
  };
}

/**
 * Client N: its id, its mode when one is given, the sample bet, its config file and the whole
 * data folder (read-only). The folder, never a single agency file: a bind-mounted host file that
 * does not exist at `up` time becomes a directory, and the user's file could never be written.
 */
export function clientService(id: number, options: ComposeOptions): ComposeService {
  return {
    container_name: clientName(id),
    image: options.clientImage,
    environment: {
      CLI_ID: String(id),
      ...(options.clientMode === undefined ? {} : { CLI_MODE: options.clientMode }),
      [CLIENT_CONFIG_HOST_VAR]: options.clientConfig,
      ...(options.sampleBet ?? COURSE_SAMPLE_BET),
    },
    volumes: [mount(options.clientConfig, CLIENT_CONFIG_TARGET, true), mount(DATA_DIR_SOURCE, DATA_DIR_TARGET, true)],
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
  if (options.clientMode !== undefined && !(CLIENT_MODES as readonly string[]).includes(options.clientMode)) {
    throw new ComposeOptionsError(`the client mode must be ${CLIENT_MODES.join(' or ')}, got ${JSON.stringify(options.clientMode)}`);
  }
  const services: Record<string, ComposeService> = { [SERVER_SERVICE]: serverService(options) };
  for (let id = 1; id <= options.clients; id += 1) services[clientName(id)] = clientService(id, options);
  return {
    services,
    networks: { [NETWORK_NAME]: { driver: 'bridge', labels: { ...PROJECT_LABELS } } },
  };
}

/**
 * The YAML text, with a header comment saying where it came from. Environment values are always
 * double-quoted (docker-compose 1.29 reads YAML 1.1, where `1999-03-17` would be a date, refused
 * as an environment value, and `yes` a boolean), and hold their `$` as `$$`: they are literal
 * values, not compose interpolations.
 */
export function toYaml(document: ComposeDocument, header?: string): string {
  const doc = new Document(document);
  for (const name of Object.keys(document.services)) {
    const environment = doc.getIn(['services', name, 'environment'], true);
    if (!isMap(environment)) continue;
    for (const item of environment.items) {
      if (!isScalar(item.value)) continue;
      item.value.value = String(item.value.value).replaceAll('$', '$$$$');
      item.value.type = 'QUOTE_DOUBLE';
    }
  }
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
