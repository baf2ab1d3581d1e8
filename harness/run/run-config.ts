/**
 * The config files a run mounts into its containers, as typed objects with the project's
 * defaults (config/server.ini, config/client.yaml). Turned into text only when written:
 * INI by a tiny serializer, YAML by the `yaml` package.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';

export type IniValue = string | number;

/** The server's `[DEFAULT]` keys (course names); other keys pass through untouched. */
export interface ServerIniConfig {
  readonly SERVER_PORT: IniValue;
  readonly SERVER_IP: IniValue;
  readonly SERVER_LISTEN_BACKLOG: IniValue;
  readonly LOGGING_LEVEL: IniValue;
  readonly SERVER_AGENCIES?: IniValue;
  readonly SERVER_BETS_FILE: IniValue;
  readonly SERVER_MAX_CONNECTIONS?: IniValue;
  readonly SERVER_IDLE_TIMEOUT?: IniValue;
  readonly [key: string]: IniValue | undefined;
}

export interface ClientYamlConfig {
  readonly id?: number;
  readonly server: { readonly address: string; readonly timeout?: string };
  /** The echo loop (client mode echo): messages, and the time between two. */
  readonly loop: { readonly amount: number; readonly period: string };
  /** The lottery client: connection attempts in a row before giving up, and the longest wait between two. */
  readonly retry: { readonly attempts: number; readonly period: string };
  readonly log: { readonly level: string };
  readonly batch: { readonly maxAmount: number; readonly window?: number; readonly period?: string };
}

/** What a deep override of the client config may hold. */
export type ClientYamlOverrides = {
  readonly [K in keyof ClientYamlConfig]?: ClientYamlConfig[K] extends object ? Partial<ClientYamlConfig[K]> : ClientYamlConfig[K];
};

export const SERVER_PORT = 12345;
export const BETS_FILE_IN_CONTAINER = '/output/bets.csv';

export const DEFAULT_SERVER_INI: ServerIniConfig = {
  SERVER_PORT,
  SERVER_IP: '0.0.0.0',
  SERVER_LISTEN_BACKLOG: 128,
  LOGGING_LEVEL: 'INFO',
  SERVER_BETS_FILE: BETS_FILE_IN_CONTAINER,
  SERVER_MAX_CONNECTIONS: 512,
  SERVER_IDLE_TIMEOUT: 30,
};

export const DEFAULT_CLIENT_YAML: ClientYamlConfig = {
  server: { address: `server:${SERVER_PORT}`, timeout: '10s' },
  loop: { amount: 30, period: '2s' },
  retry: { attempts: 30, period: '2s' },
  log: { level: 'INFO' },
  batch: { maxAmount: 100, window: 16, period: '0s' },
};

export function mergeClientConfig(base: ClientYamlConfig, o: ClientYamlOverrides): ClientYamlConfig {
  return {
    ...base,
    ...(o.id === undefined ? {} : { id: o.id }),
    server: { ...base.server, ...o.server },
    loop: { ...base.loop, ...o.loop },
    retry: { ...base.retry, ...o.retry },
    log: { ...base.log, ...o.log },
    batch: { ...base.batch, ...o.batch },
  };
}

/** `[DEFAULT]` section text; values must be single-line. */
export function stringifyIni(sections: Readonly<Record<string, Readonly<Record<string, IniValue | undefined>>>>): string {
  const out: string[] = [];
  for (const [name, values] of Object.entries(sections)) {
    out.push(`[${name}]`);
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const text = String(value);
      if (/[\r\n]/.test(text) || /[=:\s]/.test(key)) throw new Error(`INI key ${JSON.stringify(key)} or its value cannot be written on one line`);
      out.push(`${key} = ${text}`);
    }
    out.push('');
  }
  return out.join('\n');
}

export interface RunConfigFiles {
  readonly serverConfig: string;
  readonly clientConfig: string;
}

/** Writes `server.ini` and `client.yaml` into `dir`. */
export function writeRunConfigs(dir: string, server: ServerIniConfig, client: ClientYamlConfig): RunConfigFiles {
  const serverConfig = join(dir, 'server.ini');
  const clientConfig = join(dir, 'client.yaml');
  writeFileSync(serverConfig, stringifyIni({ DEFAULT: server }));
  writeFileSync(clientConfig, stringifyYaml(client));
  return { serverConfig, clientConfig };
}
