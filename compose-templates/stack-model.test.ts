import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildCompose, ComposeOptionsError, toYaml, type ComposeOptions } from './compose-model.js';
import { buildStack, parseShortMount, type StackOptions } from './stack-model.js';

const compose: ComposeOptions = {
  clients: 3,
  serverImage: 'tp0-server:latest',
  clientImage: 'tp0-client:latest',
  serverConfig: './config/server.ini',
  clientConfig: './config/client.yaml',
};
const options = (extra: Partial<StackOptions> = {}): StackOptions => ({ ...compose, serverNode: 'node1', data: { kind: 'bind' }, ...extra });

describe('the stack rendering of the compose model', () => {
  const stack = buildStack(options());
  const model = buildCompose(compose);

  it('has the compose model services, with their images, environment and grace period', () => {
    expect(Object.keys(stack.services)).toEqual(Object.keys(model.services));
    for (const [name, service] of Object.entries(model.services)) {
      expect(stack.services[name]?.image).toBe(service.image);
      expect(stack.services[name]?.environment).toEqual(service.environment);
      expect(stack.services[name]?.stop_grace_period).toBe(service.stop_grace_period);
    }
  });

  it('is a compose 3.8 file on an attachable overlay network, every service one dnsrr replica', () => {
    expect(stack.version).toBe('3.8');
    expect(stack.networks.testing_net).toMatchObject({ driver: 'overlay', attachable: true });
    for (const service of Object.values(stack.services)) {
      expect(service.networks).toEqual(['testing_net']);
      expect(service.deploy).toMatchObject({ mode: 'replicated', replicas: 1, endpoint_mode: 'dnsrr' });
    }
  });

  it('gives the config files as swarm configs at the paths the compose file mounts them', () => {
    expect(stack.configs).toMatchObject({ server_config: { file: './config/server.ini' }, client_config: { file: './config/client.yaml' } });
    expect(stack.services.server?.configs).toEqual([{ source: 'server_config', target: '/config/config.ini' }]);
    expect(stack.services.client2?.configs).toEqual([{ source: 'client_config', target: '/config/config.yaml' }]);
  });

  it('pins the server to its node with a local volume for bets.csv, and restarts it whatever its exit', () => {
    const server = stack.services.server;
    expect(server?.volumes).toEqual([{ type: 'volume', source: 'output', target: '/output' }]);
    expect(server?.deploy.placement?.constraints).toEqual(['node.hostname == node1']);
    expect(server?.deploy.restart_policy.condition).toBe('any');
    expect(stack.volumes.output).toBeDefined();
    expect(buildStack(options({ serverNode: undefined })).services.server?.deploy.placement?.constraints).toEqual(['node.role == manager']);
  });

  it('restarts a client only when it failed (done is done), a bounded number of times', () => {
    for (const id of [1, 2, 3]) {
      const client = stack.services[`client${id}`];
      expect(client?.deploy.placement).toBeUndefined();
      expect(client?.deploy.restart_policy).toMatchObject({ condition: 'on-failure' });
      expect(client?.deploy.restart_policy.max_attempts).toBeGreaterThan(1);
    }
  });

  it('keeps the data bind mount of the compose model, or puts the data in the clients image', () => {
    const dataMount = model.services.client1?.volumes.map(parseShortMount).find((m) => m.target.startsWith('/data'));
    expect(stack.services.client1?.volumes).toEqual([{ type: 'bind', source: dataMount?.source, target: dataMount?.target, read_only: true }]);
    const imaged = buildStack(options({ data: { kind: 'image', image: 'tp0-agency-data:abc' } }));
    expect(imaged.services.client1?.image).toBe('tp0-agency-data:abc');
    expect(imaged.services.client1?.volumes).toEqual([]);
    expect(imaged.services.server?.image).toBe('tp0-server:latest');
  });

  it('labels every service, container, network, volume and config', () => {
    const labelled = buildStack(options({ labels: { 'tp0.run-id': 'r1' } }));
    const all = [...Object.values(labelled.services).flatMap((s) => [s.labels, s.deploy.labels]), ...Object.values(labelled.networks).map((n) => n.labels), labelled.volumes.output?.labels, ...Object.values(labelled.configs).map((c) => c.labels)];
    for (const labels of all) expect(labels).toEqual({ 'tp0.project': 'tp0', 'tp0.run-id': 'r1' });
  });

  it('reads back from its YAML text as the same document (no anchors, no aliases)', () => {
    const text = toYaml(stack, 'header');
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(stack)));
  });

  it('refuses a server node that is not a hostname, and an empty data image', () => {
    expect(() => buildStack(options({ serverNode: 'node1 || true' }))).toThrow(ComposeOptionsError);
    expect(() => buildStack(options({ data: { kind: 'image', image: '' } }))).toThrow(ComposeOptionsError);
  });

  it('reads compose short mounts from the right, ${VAR:-default} sources included', () => {
    expect(parseShortMount('${TP0_DATA_DIR:-./.data}:/data:ro')).toEqual({ source: '${TP0_DATA_DIR:-./.data}', target: '/data', readOnly: true });
    expect(parseShortMount('./x:/output')).toEqual({ source: './x', target: '/output', readOnly: false });
    expect(() => parseShortMount('nocolon')).toThrow(ComposeOptionsError);
  });
});
