import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fakeContainerClient, OWN_LABELS } from '../testing/fake-container-client.js';
import { cleanupStaleRuns, cleanupStaleRunsOnce } from './stale-cleanup.js';
import { HARNESS_LABELS, LABEL_OWNER_HOST, LABEL_OWNER_PID } from './run-identity.js';

/** Labels of a resource whose owner process is gone (pid 2^31 - 1 does not exist). */
const DEAD: Record<string, string> = { ...HARNESS_LABELS, [LABEL_OWNER_PID]: '2147483647', [LABEL_OWNER_HOST]: hostname() };

describe('cleanupStaleRuns', () => {
  it("removes a dead owner's containers and networks, leaves a live owner's alone", async () => {
    const { docker, removed } = fakeContainerClient(
      [
        { id: 'dead-c', labels: DEAD },
        { id: 'live-c', labels: { ...OWN_LABELS } },
      ],
      [
        { id: 'dead-n', name: 'tp0-x-net', labels: DEAD },
        { id: 'live-n', name: 'tp0-y-net', labels: OWN_LABELS },
      ],
    );
    const report = await cleanupStaleRuns(docker);
    expect(removed).toEqual(['dead-c', 'dead-n']);
    expect(report).toMatchObject({ containers: 1, networks: 1, failures: [] });
  });

  it('a resource that cannot be removed is reported, not thrown: the other stale ones still go', async () => {
    const { docker, removed } = fakeContainerClient([], [
      { id: 'stuck', name: 'tp0-stuck-net', labels: DEAD },
      { id: 'dead-n', name: 'tp0-x-net', labels: DEAD },
    ]);
    const remove = docker.removeNetwork.bind(docker);
    docker.removeNetwork = async (id) => {
      if (id === 'stuck') throw new Error('network tp0-stuck-net has active endpoints');
      return remove(id);
    };
    const report = await cleanupStaleRuns(docker);
    expect(removed).toEqual(['dead-n']);
    expect(report.failures).toEqual(['network tp0-stuck-net: network tp0-stuck-net has active endpoints']);
  });

  it("does not wait on another run's network the engine still holds: two tries at most, the second after a forced disconnect", async () => {
    const { docker } = fakeContainerClient([], [{ id: 'stuck', name: 'tp0-stuck-net', labels: DEAD }]);
    const asked: (number | undefined)[] = [];
    docker.removeNetwork = async (_id, options) => {
      asked.push(options?.attempts);
      throw new Error('has active endpoints');
    };
    await cleanupStaleRuns(docker);
    expect(asked).toEqual([2]);
  });

  it('sweeps once per process: every later caller gets the first report', async () => {
    const { docker, removed } = fakeContainerClient([{ id: 'dead-c', labels: DEAD }], []);
    const first = cleanupStaleRunsOnce(docker);
    expect(cleanupStaleRunsOnce(docker)).toBe(first);
    await first;
    expect(removed).toEqual(['dead-c']);
  });
});
