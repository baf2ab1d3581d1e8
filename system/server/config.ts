import { existsSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import { type IgnoredKey, readConfigText } from '../config/config-file.js';
import { DEFAULT_SECTION, parseIni } from '../config/ini.js';
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
const KEYS = {
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
} satisfies Record<string, Setter>;

type Setter = (c: Mutable<ServerConfig>, v: string, key: string) => void;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function wrap<T>(key: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new ConfigError(`${key}: ${(err as Error).message}`, { cause: err });
  }
}

/** Where the generated compose file says the mounted config came from on the host (for messages). */
export const SERVER_CONFIG_HOST_PATH = 'SERVER_CONFIG_HOST_PATH';

export type ServerSetting = keyof typeof KEYS;

export interface LoadedServerConfig {
  readonly config: ServerConfig;
  /** The file read, or "defaults" when there was none. */
  readonly source: string;
  /** Each setting's value as the user wrote it (environment over file over default). */
  readonly written: Readonly<Record<ServerSetting, string>>;
  /** Keys of the file that no setting knows, once each. */
  readonly ignored: readonly IgnoredKey[];
}

const DEFAULT_WRITTEN: Record<ServerSetting, string> = {
  SERVER_PORT: String(DEFAULT_SERVER_CONFIG.port),
  SERVER_IP: DEFAULT_SERVER_CONFIG.ip,
  SERVER_LISTEN_BACKLOG: String(DEFAULT_SERVER_CONFIG.listenBacklog),
  LOGGING_LEVEL: DEFAULT_SERVER_CONFIG.loggingLevel,
  SERVER_AGENCIES: String(DEFAULT_SERVER_CONFIG.agencies),
  SERVER_BETS_FILE: DEFAULT_SERVER_CONFIG.betsFile,
  SERVER_MAX_CONNECTIONS: String(DEFAULT_SERVER_CONFIG.maxConnections),
  SERVER_IDLE_TIMEOUT: String(DEFAULT_SERVER_CONFIG.idleTimeoutMs / 1000),
};

/** Setting names by their lower-case spelling: INI keys are case-insensitive, as in configparser. */
const BY_LOWER = new Map<string, ServerSetting>(Object.keys(KEYS).map((k) => [k.toLowerCase(), k as ServerSetting]));

/**
 * Reads `file` when given (it must exist), else `config.ini` in the working directory if present,
 * by configparser's rules: the `[DEFAULT]` section, keys in any case. Environment variables
 * (exact names) override it. Unknown keys are reported in `ignored`; a bad value is a
 * ConfigError naming the key; a directory in the file's place a MountedDirectoryError.
 */
export function loadServerConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedServerConfig {
  const config: Mutable<ServerConfig> = { ...DEFAULT_SERVER_CONFIG };
  const written: Record<ServerSetting, string> = { ...DEFAULT_WRITTEN };
  const ignored: IgnoredKey[] = [];
  let source = 'defaults';
  const path = file ?? (existsSync('config.ini') ? 'config.ini' : undefined);
  if (path !== undefined) {
    const doc = parseIni(readConfigText(path, env[SERVER_CONFIG_HOST_PATH]), path);
    for (const entry of doc.section(DEFAULT_SECTION).values()) {
      const setting = BY_LOWER.get(entry.key.toLowerCase());
      if (setting === undefined) {
        ignored.push({ key: entry.key, line: entry.line, reason: 'no setting has this name' });
        continue;
      }
      KEYS[setting](config, entry.value, `${path}: ${entry.key}`);
      written[setting] = entry.value;
    }
    for (const [name, section] of doc.sections) {
      if (name === DEFAULT_SECTION) continue;
      for (const entry of section.values()) ignored.push({ key: `[${name}] ${entry.key}`, line: entry.line, reason: 'only [DEFAULT] is read' });
    }
    source = path;
  }
  for (const key of Object.keys(KEYS) as ServerSetting[]) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    KEYS[key](config, value, `environment ${key}`);
    written[key] = value;
  }
  return { config, source, written, ignored };
}

/**
 * The config as the `action: config` log line shows it: first the course skeleton's keys with
 * the values as written (`port`, `listen_backlog`, `logging_level`), then the file and every
 * setting under its own name, as parsed.
 */
export function describeServerConfig(loaded: LoadedServerConfig): Record<string, string | number> {
  const c = loaded.config;
  return {
    port: loaded.written.SERVER_PORT,
    listen_backlog: loaded.written.SERVER_LISTEN_BACKLOG,
    logging_level: loaded.written.LOGGING_LEVEL,
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
