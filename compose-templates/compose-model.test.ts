import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  buildCompose,
  COURSE_SAMPLE_BET,
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
    expect(server?.environment).toEqual({ SERVER_AGENCIES: String(n), SERVER_CONFIG_HOST_PATH: './config/server.ini' });
    expect(server?.volumes).toEqual([
      './config/server.ini:/config/config.ini:ro',
      '${TP0_OUTPUT_DIR:-./.output}:/output',
    ]);
    expect(server?.image).toBe('tp0-server:latest');
    expect(server?.stop_grace_period).toMatch(/^\d+s$/);
    expect(server?.depends_on).toBeUndefined();
  });

  it('gives each client its id, the course\'s sample bet, its config, the data folder read-only (never a single file), and a dependency on the server', () => {
    clientNames.forEach((name, index) => {
      const id = index + 1;
      const client = doc.services[name];
      expect(client?.environment).toEqual({
        CLI_ID: String(id),
        CLI_CONFIG_HOST_PATH: './config/client.yaml',
        NOMBRE: 'Santiago Lionel',
        APELLIDO: 'Lorca',
        DOCUMENTO: '30904465',
        NACIMIENTO: '1999-03-17',
        NUMERO: '7574',
      });
      expect(client?.volumes).toEqual(['./config/client.yaml:/config/config.yaml:ro', '${TP0_DATA_DIR:-./.data}:/data:ro']);
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
    // Environment values are double-quoted strings: compose 1.29 reads YAML 1.1 (a bare 1999-03-17 is a date there).
    expect(text).toContain(`SERVER_AGENCIES: "${n}"`);
    if (n > 0) expect(text).toContain('NACIMIENTO: "1999-03-17"');
  });
});

describe('buildCompose options', () => {
  it('uses the images it is given', () => {
    const doc = buildCompose(options(2, { serverImage: 'reg/s:1', clientImage: 'reg/c:2' }));
    expect(doc.services.server?.image).toBe('reg/s:1');
    expect(doc.services.client2?.image).toBe('reg/c:2');
  });

  it('puts the client mode into every client\'s environment when one is given, and only then', () => {
    const echo = buildCompose(options(2, { clientMode: 'echo' }));
    expect([echo.services.client1?.environment.CLI_MODE, echo.services.client2?.environment.CLI_MODE]).toEqual(['echo', 'echo']);
    expect(echo.services.server?.environment.CLI_MODE).toBeUndefined();
    expect(buildCompose(options(1)).services.client1?.environment.CLI_MODE).toBeUndefined();
    expect(() => buildCompose(options(1, { clientMode: 'ping' as 'echo' }))).toThrow(/client mode must be lottery or echo/);
  });

  it('uses another sample bet when given; a $ in a value is written $$ so that compose keeps it literal', () => {
    const doc = buildCompose(options(1, { sampleBet: { ...COURSE_SAMPLE_BET, NOMBRE: 'Ana $HOME' } }));
    expect(doc.services.client1?.environment.NOMBRE).toBe('Ana $HOME');
    const text = toYaml(doc);
    expect(text).toContain('NOMBRE: "Ana $$HOME"');
    expect(text).toContain('${TP0_DATA_DIR:-./.data}:/data:ro');
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
