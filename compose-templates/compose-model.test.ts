import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildCompose,
  ComposeOptionsError,
  mountPathFrom,
  NETWORK_NAME,
  toYaml,
  type ComposeOptions,
} from './compose-model.js';

const options = (clients: number, extra: Partial<ComposeOptions> = {}): ComposeOptions => ({
  clients,
  serverImage: 'tp0-server:latest',
  clientImage: 'tp0-client:latest',
  serverConfig: './config/server.ini',
  clientConfig: './config/client.yaml',
  ...extra,
});

describe.each([0, 1, 5])('compose document with %i clients', (n) => {
  const doc = buildCompose(options(n));
  const clientNames = Array.from({ length: n }, (_, i) => `client${i + 1}`);

  it('has the server and client1..clientN, named so as containers too', () => {
    expect(Object.keys(doc.services)).toEqual(['server', ...clientNames]);
    for (const [name, service] of Object.entries(doc.services)) expect(service.container_name).toBe(name);
  });

  it('has no top-level name or version, one network, every service on it', () => {
    expect(Object.keys(doc).sort()).toEqual(['networks', 'services']);
    expect(Object.keys(doc.networks)).toEqual([NETWORK_NAME]);
    for (const service of Object.values(doc.services)) expect(service.networks).toEqual([NETWORK_NAME]);
  });

  it('tells the server how many agencies to wait for, and mounts its config and output', () => {
    const server = doc.services.server;
    expect(server?.environment).toEqual({ SERVER_AGENCIES: String(n) });
    expect(server?.volumes).toEqual([
      './config/server.ini:/config/config.ini:ro',
      '${TP0_OUTPUT_DIR:-./.output}:/output',
    ]);
    expect(server?.image).toBe('tp0-server:latest');
    expect(server?.stop_grace_period).toMatch(/^\d+s$/);
    expect(server?.depends_on).toBeUndefined();
  });

  it('gives each client its id, config, own agency file read-only, and a dependency on the server', () => {
    clientNames.forEach((name, index) => {
      const id = index + 1;
      const client = doc.services[name];
      expect(client?.environment).toEqual({ CLI_ID: String(id) });
      expect(client?.volumes).toEqual([
        './config/client.yaml:/config/config.yaml:ro',
        `\${TP0_DATA_DIR:-./.data}/agency-${id}.csv:/data/agency-${id}.csv:ro`,
      ]);
      expect(client?.depends_on).toEqual(['server']);
      expect(client?.image).toBe('tp0-client:latest');
    });
  });

  it('labels services and the network with tp0.project=tp0', () => {
    for (const service of Object.values(doc.services)) expect(service.labels['tp0.project']).toBe('tp0');
    expect(doc.networks[NETWORK_NAME]?.labels['tp0.project']).toBe('tp0');
  });

  it('round-trips through YAML unchanged, header comment aside', () => {
    const text = toYaml(doc, 'generated\nby a test');
    expect(text.startsWith('# generated\n# by a test\n')).toBe(true);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(text).not.toMatch(/^(name|version):/m);
    // Environment values stay strings (compose rejects numbers there in some versions).
    expect(text).toContain(`SERVER_AGENCIES: "${n}"`);
  });
});

describe('buildCompose options', () => {
  it('uses the images it is given', () => {
    const doc = buildCompose(options(2, { serverImage: 'reg/s:1', clientImage: 'reg/c:2' }));
    expect(doc.services.server?.image).toBe('reg/s:1');
    expect(doc.services.client2?.image).toBe('reg/c:2');
  });

  it('refuses a negative or fractional count, empty images and paths with a colon', () => {
    expect(() => buildCompose(options(-1))).toThrow(ComposeOptionsError);
    expect(() => buildCompose(options(1.5))).toThrow(ComposeOptionsError);
    expect(() => buildCompose(options(1, { serverImage: '' }))).toThrow(ComposeOptionsError);
    expect(() => buildCompose(options(1, { clientConfig: 'C:/x.yaml' }))).toThrow(ComposeOptionsError);
  });
});

describe('mountPathFrom', () => {
  it('writes paths relative to the compose file, always starting with ./ or ../', () => {
    expect(mountPathFrom('/repo', '/repo/config/server.ini')).toBe('./config/server.ini');
    expect(mountPathFrom('/repo/out', '/repo/config/server.ini')).toBe('../config/server.ini');
  });
});
