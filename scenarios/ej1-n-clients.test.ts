/**
 * Exercise 1: one server and N clients, client1..clientN, as the compose generator defines them.
 * N = 0 is valid: the server alone.
 */
import { describe, expect, it } from 'vitest';
import { composeModel, createDockerClient, Datasets, LotteryRun, Probes, startScenarioRun } from '../harness/index.js';
import { expectEveryBetStoredOnce } from '../harness/vitest/expectations.js';

const dataset = Datasets.generated({ sizes: [1500, 1200, 900, 600, 300] });

describe('ej1: N clients from the compose generator\'s model', () => {
  for (const n of [0, 1, 5]) {
    const names = ['server', ...Array.from({ length: n }, (_, i) => `client${i + 1}`)].join(', ');
    it(`N = ${n}: the run's containers are the generator's (${names}) and they all finish`, async (ctx) => {
      const run = await startScenarioRun(ctx, new LotteryRun().withClients(n).withDataset(dataset), `n${n}`);

      // The containers running are exactly the services of the compose model for N.
      const model = composeModel({ clients: n, serverImage: 'x', clientImage: 'y', serverConfig: '/s.ini', clientConfig: '/c.yaml', dataDir: undefined });
      const expectedNames = Object.values(model.services).map((s) => s.container_name);
      expect(expectedNames).toEqual(['server', ...Array.from({ length: n }, (_, i) => `client${i + 1}`)]);
      const running = await createDockerClient().listContainers({ 'tp0.run-id': run.id });
      expect(running.map((c) => c.labels['tp0.service']).sort()).toEqual([...expectedNames].sort());
      expect(run.plan.map((s) => s.name)).toEqual(expectedNames);

      const codes = await run.waitForClients();
      expect(Object.values(codes).every((c) => c === 0), JSON.stringify(codes)).toBe(true);
      // The server expected N agencies: with N = 0 it draws at once and keeps serving.
      await run.waitFor({ source: 'server', action: 'sorteo', result: 'success' });
      expect((await run.probe(Probes.netcat())).result).toBe('success');

      const result = await run.result();
      await expectEveryBetStoredOnce(result.stored, run.dataset!, n);
      expect(result.failLines).toEqual([]);
    });
  }
});
