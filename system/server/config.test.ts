import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { MountedDirectoryError } from '../config/config-file.js';
import { tempDir } from '../testing/test-server.js';
import { DEFAULT_SERVER_CONFIG, describeServerConfig, loadServerConfig } from './config.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('tp0-server-config-');
});
afterEach(() => dir.remove());

function ini(text: string): string {
  const file = join(dir.path, 'config.ini');
  writeFileSync(file, text);
  return file;
}

describe('loadServerConfig', () => {
  it('reads the course skeleton file and logs its keys with the values as written', () => {
    const file = ini('[DEFAULT]\nSERVER_PORT = 12345\nSERVER_IP = server\nSERVER_LISTEN_BACKLOG = 8\nLOGGING_LEVEL = debug\n');
    const loaded = loadServerConfig(file, {});
    expect(loaded.config).toEqual({ ...DEFAULT_SERVER_CONFIG, port: 12345, ip: 'server', listenBacklog: 8, loggingLevel: 'DEBUG' });
    expect(loaded.ignored).toEqual([]);
    const line = describeServerConfig(loaded);
    expect(line).toMatchObject({ port: '12345', listen_backlog: '8', logging_level: 'debug', config_file: file, SERVER_PORT: 12345, LOGGING_LEVEL: 'DEBUG' });
    // The skeleton's keys come first, in its order.
    expect(Object.keys(line).slice(0, 3)).toEqual(['port', 'listen_backlog', 'logging_level']);
  });

  it('reads keys in any case and with ":", as configparser does', () => {
    const file = ini('[DEFAULT]\n# the course writes these from Python\nserver_port: 4000\nServer_Listen_Backlog = 3\n; a comment\nlogging_level: WARNING\n');
    const loaded = loadServerConfig(file, {});
    expect([loaded.config.port, loaded.config.listenBacklog, loaded.config.loggingLevel]).toEqual([4000, 3, 'WARNING']);
    expect(describeServerConfig(loaded)).toMatchObject({ port: '4000', listen_backlog: '3', logging_level: 'WARNING' });
  });

  it('reports each unknown key once, and keys outside [DEFAULT], without failing', () => {
    const file = ini('[DEFAULT]\nSERVER_PORT = 1\nSERVER_PROT = 2\n[server]\nSERVER_IP = x\n');
    const loaded = loadServerConfig(file, {});
    expect(loaded.config.port).toBe(1);
    expect(loaded.config.ip).toBe(DEFAULT_SERVER_CONFIG.ip);
    expect(loaded.ignored).toEqual([
      { key: 'SERVER_PROT', line: 3, reason: 'no setting has this name' },
      { key: '[server] SERVER_IP', line: 5, reason: 'only [DEFAULT] is read' },
    ]);
  });

  it('environment variables (exact names) override the file, and are what the line shows', () => {
    const file = ini('[DEFAULT]\nSERVER_PORT = 1\nLOGGING_LEVEL = INFO\n');
    const loaded = loadServerConfig(file, { SERVER_PORT: '2', LOGGING_LEVEL: 'DEBUG', logging_level: 'ERROR', SERVER_AGENCIES: '7' });
    expect([loaded.config.port, loaded.config.loggingLevel, loaded.config.agencies]).toEqual([2, 'DEBUG', 7]);
    expect(describeServerConfig(loaded)).toMatchObject({ port: '2', logging_level: 'DEBUG' });
  });

  it('without a file: defaults, shown as such', () => {
    const loaded = loadServerConfig(undefined, {});
    expect(loaded.source).toBe('defaults');
    expect(describeServerConfig(loaded)).toMatchObject({ port: '12345', listen_backlog: '128', logging_level: 'INFO' });
  });

  it('a bad value is a ConfigError naming the file and the key as written', () => {
    expect(() => loadServerConfig(ini('[DEFAULT]\nserver_port = many\n'), {})).toThrow(/config\.ini: server_port: "many" is not an integer/);
    expect(() => loadServerConfig(ini('[DEFAULT]\nLOGGING_LEVEL = INFO ; verbose\n'), {})).toThrow(/LOGGING_LEVEL: unknown log level "INFO ; verbose"/);
    expect(() => loadServerConfig(undefined, { SERVER_PORT: '70000' })).toThrow(/environment SERVER_PORT: 70000 is outside/);
    expect(() => loadServerConfig(ini('SERVER_PORT = 1\n'), {})).toThrow(ConfigError);
  });

  it('a directory where the file should be: MountedDirectoryError naming the host file the compose file mounted', () => {
    const mounted = join(dir.path, 'config.ini');
    mkdirSync(mounted);
    const err = (() => {
      try {
        loadServerConfig(mounted, { SERVER_CONFIG_HOST_PATH: './server/config.ini' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(MountedDirectoryError);
    expect((err as Error).name).toBe('MountedDirectoryError');
    expect((err as Error).message).toContain(`config file ${mounted} is a directory: the host file ./server/config.ini did not exist when the container started`);
    expect(() => loadServerConfig(mounted, {})).toThrow(/the host file mounted there did not exist/);
  });

  it('a missing file given explicitly is a ConfigError', () => {
    expect(() => loadServerConfig(join(dir.path, 'nope.ini'), {})).toThrow(/cannot read config file .*nope\.ini/);
  });
});
