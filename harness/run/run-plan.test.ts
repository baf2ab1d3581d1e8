import { describe, expect, it } from 'vitest';
import { planServices } from './run-plan.js';

const base = {
  serverImage: 'tp0-server:latest',
  clientImage: 'tp0-client:latest',
  serverConfig: '/run/x/server.ini',
  clientConfig: '/run/x/client.yaml',
  dataDir: '/data/set',
};

describe('planServices', () => {
  it('follows the compose model: server and client1..N with their names, env and mounts', () => {
    const plan = planServices({ ...base, clients: 2, clientEnv: (id) => ({ CLI_LOG_LEVEL: id === 2 ? 'DEBUG' : 'INFO' }) });
    expect(plan.map((s) => s.name)).toEqual(['server', 'client1', 'client2']);
    expect(plan[0]).toMatchObject({ role: 'server', environment: { SERVER_AGENCIES: '2' } });
    expect(plan[0]?.mounts).toEqual([{ source: '/run/x/server.ini', target: '/config/config.ini', readOnly: true }]);
    expect(plan[2]).toMatchObject({ role: 'client', environment: { CLI_ID: '2', CLI_LOG_LEVEL: 'DEBUG' } });
    expect(plan[2]?.mounts).toEqual([
      { source: '/run/x/client.yaml', target: '/config/config.yaml', readOnly: true },
      { source: '/data/set', target: '/data', readOnly: true },
    ]);
  });

  it('N = 0 is the server alone; no dataset means no data mounts', () => {
    expect(planServices({ ...base, clients: 0 }).map((s) => s.name)).toEqual(['server']);
    const noData = planServices({ ...base, clients: 1, dataDir: undefined });
    expect(noData[1]?.mounts.map((m) => m.target)).toEqual(['/config/config.yaml']);
  });
});
