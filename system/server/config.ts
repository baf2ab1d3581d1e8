import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import { parseIni } from '../config/ini.js';
import { parseInteger } from '../config/values.js';
import { type Level, parseLevel } from '../log/logger.js';

/** The server's effective configuration: defaults ← INI `[DEFAULT]` ← environment. */
export interface ServerConfig {
  readonly port: number;
  readonly ip: string;
  readonly listenBacklog: number;
  readonly loggingLevel: Level;
  /** How many distinct agencies must notify before the draw. */
  readonly agencies: number;
  readonly betsFile: string;
  readonly maxConnections: number;
  readonly idleTimeoutMs: number;
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = {
  port: 12345,
  ip: '0.0.0.0',
  listenBacklog: 128,
  loggingLevel: 'INFO',
  agencies: 5,
  betsFile: 'bets.csv',
  maxConnections: 512,
  idleTimeoutMs: 30_000,
};

/** Each key as written in the INI file and in the environment, and how it sets the config. */
const KEYS: { [K in string]: (c: Mutable<ServerConfig>, v: string, key: string) => void } = {
  SERVER_PORT: (c, v, k) => (c.port = parseInteger(k, v, 0, 65535)),
  SERVER_IP: (c, v) => (c.ip = v.trim()),
  SERVER_LISTEN_BACKLOG: (c, v, k) => (c.listenBacklog = parseInteger(k, v, 1, 65535)),
  LOGGING_LEVEL: (c, v, k) => (c.loggingLevel = wrap(k, () => parseLevel(v))),
  SERVER_AGENCIES: (c, v, k) => (c.agencies = parseInteger(k, v, 0, 1_000_000)),
  SERVER_BETS_FILE: (c, v, k) => {
    if (v.trim() === '') throw new ConfigError(`${k}: empty path`);
    c.betsFile = v.trim();
  },
  SERVER_MAX_CONNECTIONS: (c, v, k) => (c.maxConnections = parseInteger(k, v, 1, 1_000_000)),
  SERVER_IDLE_TIMEOUT: (c, v, k) => (c.idleTimeoutMs = parseInteger(k, v, 1, 86_400) * 1000),
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function wrap<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new ConfigError(`${key}: ${(err as Error).message}`, { cause: err });
  }
}

export interface LoadedServerConfig {
  readonly config: ServerConfig;
  /** The file read, or "defaults" when there was none. */
  readonly source: string;
}

/**
 * Reads `file` when given (it must exist), else `config.ini` in the working directory if present.
 * Unknown keys are ignored; a bad value is a ConfigError naming the key.
 */
export function loadServerConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedServerConfig {
  const config: Mutable<ServerConfig> = { ...DEFAULT_SERVER_CONFIG };
  let source = 'defaults';
  const path = file ?? (existsSync('config.ini') ? 'config.ini' : undefined);
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
    }
    const values = parseIni(text, path).get('DEFAULT') ?? new Map<string, string>();
    for (const [key, value] of values) KEYS[key]?.(config, value, `${path}: ${key}`);
    source = path;
  }
  for (const key of Object.keys(KEYS)) {
    const value = env[key];
    if (value !== undefined && value !== '') KEYS[key]?.(config, value, `environment ${key}`);
  }
  return { config, source };
}

/** The config as the `action: config` log line shows it (the course's key names). */
export function describeServerConfig(loaded: LoadedServerConfig): Record<string, string | number> {
  const c = loaded.config;
  return {
    config_file: loaded.source,
    SERVER_PORT: c.port,
    SERVER_IP: c.ip,
    SERVER_LISTEN_BACKLOG: c.listenBacklog,
    LOGGING_LEVEL: c.loggingLevel,
    SERVER_AGENCIES: c.agencies,
    SERVER_BETS_FILE: c.betsFile,
    SERVER_MAX_CONNECTIONS: c.maxConnections,
    SERVER_IDLE_TIMEOUT: c.idleTimeoutMs / 1000,
  };
}
