import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/config-error.js';
import { parseAddress, parseDuration, parseInteger } from '../config/values.js';
import { type Level, parseLevel } from '../log/logger.js';
import { MAX_BATCH_BETS } from '../protocol/constants.js';

/** The client's effective configuration: defaults ← YAML file ← CLI_* environment variables. */
export interface ClientConfig {
  readonly id: number;
  readonly server: { readonly host: string; readonly port: number };
  /** How long the client waits for an answer (or for a send to be accepted) before it reconnects. */
  readonly answerTimeoutMs: number;
  /** Consecutive connection attempts before giving up. */
  readonly loopAmount: number;
  /** Longest wait between two connection attempts (the backoff's cap). */
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

function lookup(doc: unknown, path: readonly string[]): unknown {
  let node = doc;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export interface LoadedClientConfig {
  readonly config: ClientConfig;
  readonly source: string;
}

/** Reads `file` when given (it must exist), else `config.yaml` in the working directory if present. */
export function loadClientConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedClientConfig {
  const config: Mutable<ClientConfig> = { ...DEFAULT_CLIENT_CONFIG };
  let source = 'defaults';
  const path = file ?? (existsSync('config.yaml') ? 'config.yaml' : undefined);
  if (path !== undefined) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
    }
    for (const s of SETTINGS) {
      const value = lookup(doc, s.path);
      if (value === undefined || value === null) continue;
      if (typeof value === 'object') throw new ConfigError(`${path}: ${s.path.join('.')} must be a plain value`);
      s.set(config, String(value), `${path}: ${s.path.join('.')}`);
    }
    source = path;
  }
  for (const s of SETTINGS) {
    const value = env[s.env];
    if (value !== undefined && value !== '') s.set(config, value, `environment ${s.env}`);
  }
  config.dataFile = config.dataFile.replaceAll('{id}', String(config.id));
  return { config, source };
}

export function describeClientConfig(loaded: LoadedClientConfig): Record<string, string | number> {
  const c = loaded.config;
  return {
    config_file: loaded.source,
    id: c.id,
    server_address: `${c.server.host}:${c.server.port}`,
    server_timeout: `${c.answerTimeoutMs}ms`,
    loop_amount: c.loopAmount,
    loop_period: `${c.loopPeriodMs}ms`,
    log_level: c.logLevel,
    batch_max_amount: c.batchMaxAmount,
    batch_window: c.batchWindow,
    batch_period: `${c.batchPeriodMs}ms`,
    data_file: c.dataFile,
  };
}
