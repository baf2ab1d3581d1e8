import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MountedDirectoryError } from '../config/config-file.js';
import { tempDir } from '../testing/test-server.js';
import { DEFAULT_CLIENT_CONFIG, describeClientConfig, loadClientConfig } from './config.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('tp0-client-config-');
});
afterEach(() => dir.remove());

function yaml(text: string): string {
  const file = join(dir.path, 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const COURSE_YAML = `server:
  address: "server:12345"
loop:
  amount: 5
  period: "100ms"
log:
  level: "debug"
batch:
  maxAmount: 10
`;

describe('loadClientConfig', () => {
  it('reads the course skeleton file and logs its keys with the values as written', () => {
    const loaded = loadClientConfig(yaml(COURSE_YAML), { CLI_ID: '3' });
    expect(loaded.config).toMatchObject({ mode: 'lottery', id: 3, server: { host: 'server', port: 12345 }, loopAmount: 5, loopPeriodMs: 100, logLevel: 'DEBUG', batchMaxAmount: 10 });
    expect(loaded.config.dataFile).toBe('/data/agency-3.csv');
    expect(loaded.ignored).toEqual([]);
    const line = describeClientConfig(loaded);
    expect(line).toMatchObject({ client_id: '3', server_address: 'server:12345', loop_amount: '5', loop_period: '100ms', log_level: 'debug', mode: 'lottery', batch_max_amount: 10 });
    expect(Object.keys(line).slice(0, 5)).toEqual(['client_id', 'server_address', 'loop_amount', 'loop_period', 'log_level']);
  });

  it('the mode: YAML `mode`, overridden by CLI_MODE; echo or lottery, any case', () => {
    expect(loadClientConfig(yaml('mode: echo\n'), {}).config.mode).toBe('echo');
    expect(loadClientConfig(yaml('mode: echo\n'), { CLI_MODE: 'LOTTERY' }).config.mode).toBe('lottery');
    expect(loadClientConfig(undefined, { CLI_MODE: 'Echo' }).config.mode).toBe('echo');
    expect(() => loadClientConfig(undefined, { CLI_MODE: 'ping' })).toThrow(/environment CLI_MODE: unknown client mode "ping" \(expected lottery or echo\)/);
  });

  it('environment variables override the file, and the line shows what they said', () => {
    const loaded = loadClientConfig(yaml(COURSE_YAML), { CLI_LOOP_PERIOD: '2s', CLI_LOG_LEVEL: 'WARN', CLI_SERVER_ADDRESS: 'other:1' });
    expect([loaded.config.loopPeriodMs, loaded.config.logLevel, loaded.config.server]).toEqual([2000, 'WARNING', { host: 'other', port: 1 }]);
    expect(describeClientConfig(loaded)).toMatchObject({ loop_period: '2s', log_level: 'WARN', server_address: 'other:1' });
  });

  it('keys the file leaves out take the defaults, written as the defaults are', () => {
    const loaded = loadClientConfig(yaml('log:\n  level: INFO\n'), {});
    expect(loaded.config).toEqual({ ...DEFAULT_CLIENT_CONFIG, dataFile: '/data/agency-1.csv' });
    expect(describeClientConfig(loaded)).toMatchObject({ client_id: '1', server_address: 'server:12345', loop_amount: '30', loop_period: '2s', log_level: 'INFO' });
    expect(loadClientConfig(yaml(''), {}).config.id).toBe(1);
  });

  it('reports keys no setting knows, once each, without failing', () => {
    const loaded = loadClientConfig(yaml('batch:\n  maxamount: 5\n  maxAmount: 7\nextra: 1\nloop:\n  amount: 2\n  nested:\n    deep: x\n'), {});
    expect(loaded.config.batchMaxAmount).toBe(7);
    expect(loaded.ignored).toEqual([
      { key: 'batch.maxamount', reason: 'no setting has this name' },
      { key: 'extra', reason: 'no setting has this name' },
      { key: 'loop.nested', reason: 'no setting has this name' },
    ]);
    expect(loadClientConfig(yaml('server: "server:12345"\n'), {}).ignored).toEqual([
      { key: 'server', reason: 'a group: expected its keys (server.address, server.timeout)' },
    ]);
  });

  it('a bad value is a ConfigError naming the file and the key', () => {
    expect(() => loadClientConfig(yaml('loop:\n  period: soon\n'), {})).toThrow(/config\.yaml: loop\.period: "soon" is not a duration/);
    expect(() => loadClientConfig(yaml('- a\n- b\n'), {})).toThrow(/expected a YAML mapping/);
    expect(() => loadClientConfig(yaml('server: {address: [1]}\n'), {})).toThrow(/server\.address must be a plain value/);
    expect(() => loadClientConfig(yaml('a: [\n'), {})).toThrow(/cannot read config file/);
  });

  it('a directory where the file should be: MountedDirectoryError naming the host file', () => {
    const mounted = join(dir.path, 'config.yaml');
    mkdirSync(mounted);
    expect(() => loadClientConfig(mounted, { CLI_CONFIG_HOST_PATH: './client/config.yaml' })).toThrow(MountedDirectoryError);
    expect(() => loadClientConfig(mounted, { CLI_CONFIG_HOST_PATH: './client/config.yaml' })).toThrow(
      `config file ${mounted} is a directory: the host file ./client/config.yaml did not exist when the container started`,
    );
  });
});
