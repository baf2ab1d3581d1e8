import { existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/config-error.js';
import { type IgnoredKey, readConfigText } from '../config/config-file.js';
import { parseAddress, parseDuration, parseInteger } from '../config/values.js';
import { type Level, parseLevel } from '../log/logger.js';
import { MAX_BATCH_BETS } from '../protocol/constants.js';

/**
 * What the client does: `lottery` (exercises 5–8: send the agency's bets, wait for the draw) or
 * `echo` (exercises 1–4: the course's echo loop, loop.amount messages one every loop.period).
 */
export const CLIENT_MODES = ['lottery', 'echo'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

/** The client's effective configuration: defaults ← YAML file ← CLI_* environment variables. */
export interface ClientConfig {
  readonly mode: ClientMode;
  readonly id: number;
  readonly server: { readonly host: string; readonly port: number };
  /** How long the client waits for an answer (or for a send to be accepted) before it reconnects. */
  readonly answerTimeoutMs: number;
  /** Lottery: consecutive connection attempts before giving up. Echo: messages to send. */
  readonly loopAmount: number;
  /** Lottery: longest wait between two connection attempts (the backoff's cap). Echo: time between messages. */
  readonly loopPeriodMs: number;
  readonly logLevel: Level;
  readonly batchMaxAmount: number;
  /** Batches sent ahead of their acknowledgement. */
  readonly batchWindow: number;
  /** Pause after each batch. */
  readonly batchPeriodMs: number;
  /** The agency CSV; `{id}` is replaced by the agency id. */
  readonly dataFile: string;
}

export const DEFAULT_CLIENT_CONFIG: ClientConfig = {
  mode: 'lottery',
  id: 1,
  server: { host: 'server', port: 12345 },
  answerTimeoutMs: 10_000,
  loopAmount: 30,
  loopPeriodMs: 2000,
  logLevel: 'INFO',
  batchMaxAmount: 100,
  batchWindow: 16,
  batchPeriodMs: 0,
  dataFile: '/data/agency-{id}.csv',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Setter = (c: Mutable<ClientConfig>, value: string, key: string) => void;

/** Each setting: its YAML path, its environment variable, and how it is parsed. */
const SETTINGS: readonly { path: readonly string[]; env: string; set: Setter }[] = [
  { path: ['mode'], env: 'CLI_MODE', set: (c, v, k) => (c.mode = modeOf(k, v)) },
  { path: ['id'], env: 'CLI_ID', set: (c, v, k) => (c.id = parseInteger(k, v, 1, 0xffff_ffff)) },
  { path: ['server', 'address'], env: 'CLI_SERVER_ADDRESS', set: (c, v, k) => (c.server = parseAddress(k, v)) },
  { path: ['server', 'timeout'], env: 'CLI_SERVER_TIMEOUT', set: (c, v, k) => (c.answerTimeoutMs = positiveDuration(k, v)) },
  { path: ['loop', 'amount'], env: 'CLI_LOOP_AMOUNT', set: (c, v, k) => (c.loopAmount = parseInteger(k, v, 1, 1_000_000)) },
  { path: ['loop', 'period'], env: 'CLI_LOOP_PERIOD', set: (c, v, k) => (c.loopPeriodMs = parseDuration(k, v)) },
  { path: ['log', 'level'], env: 'CLI_LOG_LEVEL', set: (c, v, k) => (c.logLevel = levelOf(k, v)) },
  { path: ['batch', 'maxAmount'], env: 'CLI_BATCH_MAXAMOUNT', set: (c, v, k) => (c.batchMaxAmount = parseInteger(k, v, 1, MAX_BATCH_BETS)) },
  { path: ['batch', 'window'], env: 'CLI_BATCH_WINDOW', set: (c, v, k) => (c.batchWindow = parseInteger(k, v, 1, 64)) },
  { path: ['batch', 'period'], env: 'CLI_BATCH_PERIOD', set: (c, v, k) => (c.batchPeriodMs = parseDuration(k, v)) },
  { path: ['data', 'file'], env: 'CLI_DATA_FILE', set: (c, v, k) => (c.dataFile = nonEmpty(k, v)) },
];

function modeOf(key: string, value: string): ClientMode {
  const mode = value.trim().toLowerCase();
  if ((CLIENT_MODES as readonly string[]).includes(mode)) return mode as ClientMode;
  throw new ConfigError(`${key}: unknown client mode "${value}" (expected ${CLIENT_MODES.join(' or ')})`);
}

function levelOf(key: string, value: string): Level {
  try {
    return parseLevel(value);
  } catch (err) {
    throw new ConfigError(`${key}: ${(err as Error).message}`, { cause: err });
  }
}

function positiveDuration(key: string, value: string): number {
  const ms = parseDuration(key, value);
  if (ms <= 0) throw new ConfigError(`${key}: must be longer than 0, got ${value}`);
  return ms;
}

function nonEmpty(key: string, value: string): string {
  if (value.trim() === '') throw new ConfigError(`${key}: empty value`);
  return value.trim();
}

/** Where the generated compose file says the mounted config came from on the host (for messages). */
export const CLI_CONFIG_HOST_PATH = 'CLI_CONFIG_HOST_PATH';

type SettingName = string;

export interface LoadedClientConfig {
  readonly config: ClientConfig;
  /** The file read, or "defaults". */
  readonly source: string;
  /** Each setting's value as the user wrote it (environment over file over default), by YAML path (`loop.period`). */
  readonly written: Readonly<Record<SettingName, string>>;
  /** Keys of the file that no setting knows, once each (`batch.maxamount` misspelt, say). */
  readonly ignored: readonly IgnoredKey[];
}

const DEFAULT_WRITTEN: Readonly<Record<SettingName, string>> = {
  mode: DEFAULT_CLIENT_CONFIG.mode,
  id: String(DEFAULT_CLIENT_CONFIG.id),
  'server.address': `${DEFAULT_CLIENT_CONFIG.server.host}:${DEFAULT_CLIENT_CONFIG.server.port}`,
  'server.timeout': '10s',
  'loop.amount': String(DEFAULT_CLIENT_CONFIG.loopAmount),
  'loop.period': '2s',
  'log.level': DEFAULT_CLIENT_CONFIG.logLevel,
  'batch.maxAmount': String(DEFAULT_CLIENT_CONFIG.batchMaxAmount),
  'batch.window': String(DEFAULT_CLIENT_CONFIG.batchWindow),
  'batch.period': '0s',
  'data.file': DEFAULT_CLIENT_CONFIG.dataFile,
};

/** Every leaf of the YAML document that no setting reads, and every map where a value belongs. */
function unknownKeys(doc: unknown): IgnoredKey[] {
  const known = new Set(SETTINGS.map((s) => s.path.join('.')));
  const groups = new Set(SETTINGS.filter((s) => s.path.length > 1).map((s) => s.path.slice(0, -1).join('.')));
  const out: IgnoredKey[] = [];
  const walk = (node: unknown, prefix: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      if (groups.has(prefix)) out.push({ key: prefix, reason: `a group: expected its keys (${[...known].filter((k) => k.startsWith(`${prefix}.`)).join(', ')})` });
      else if (prefix !== '' && !known.has(prefix)) out.push({ key: prefix, reason: 'no setting has this name' });
      return;
    }
    if (prefix !== '' && !groups.has(prefix)) {
      out.push({ key: prefix, reason: known.has(prefix) ? 'must be a plain value' : 'no setting has this name' });
      return;
    }
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, prefix === '' ? k : `${prefix}.${k}`);
  };
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) walk(doc, '');
  return out;
}

function lookup(doc: unknown, path: readonly string[]): unknown {
  let node = doc;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Reads `file` when given (it must exist), else `config.yaml` in the working directory if present.
 * A key that no setting knows is reported in `ignored`, not fatal; a bad value is a ConfigError
 * naming the key; a directory in the file's place a MountedDirectoryError.
 */
export function loadClientConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedClientConfig {
  const config: Mutable<ClientConfig> = { ...DEFAULT_CLIENT_CONFIG };
  const written: Record<SettingName, string> = { ...DEFAULT_WRITTEN };
  let ignored: IgnoredKey[] = [];
  let source = 'defaults';
  const path = file ?? (existsSync('config.yaml') ? 'config.yaml' : undefined);
  if (path !== undefined) {
    const text = readConfigText(path, env[CLI_CONFIG_HOST_PATH]);
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new ConfigError(`${path}: expected a YAML mapping (server:, loop:, log:, batch:), got ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}`);
    }
    for (const s of SETTINGS) {
      const name = s.path.join('.');
      const value = lookup(doc, s.path);
      if (value === undefined || value === null) continue;
      if (typeof value === 'object') throw new ConfigError(`${path}: ${name} must be a plain value`);
      s.set(config, String(value), `${path}: ${name}`);
      written[name] = String(value);
    }
    ignored = unknownKeys(doc);
    source = path;
  }
  for (const s of SETTINGS) {
    const value = env[s.env];
    if (value === undefined || value === '') continue;
    s.set(config, value, `environment ${s.env}`);
    written[s.path.join('.')] = value;
  }
  config.dataFile = config.dataFile.replaceAll('{id}', String(config.id));
  return { config, source, written, ignored };
}

/**
 * The `action: config` line: first the course skeleton's keys with the values as written
 * (`client_id`, `server_address`, `loop_amount`, `loop_period`, `log_level`), then the mode, the
 * file and the other settings (parsed values).
 */
export function describeClientConfig(loaded: LoadedClientConfig): Record<string, string | number> {
  const c = loaded.config;
  const w = loaded.written;
  return {
    client_id: w.id as string,
    server_address: w['server.address'] as string,
    loop_amount: w['loop.amount'] as string,
    loop_period: w['loop.period'] as string,
    log_level: w['log.level'] as string,
    mode: c.mode,
    config_file: loaded.source,
    id: c.id,
    server_timeout: `${c.answerTimeoutMs}ms`,
    batch_max_amount: c.batchMaxAmount,
    batch_window: c.batchWindow,
    batch_period: `${c.batchPeriodMs}ms`,
    data_file: c.dataFile,
  };
}
