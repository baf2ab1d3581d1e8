/**
 * Removing a network that still has an endpoint attached (against a real engine: fails, never
 * skips, without one): the endpoint is forced off and the removal goes through.
 */
import '../setup/testcontainers-env.js';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureImages } from '../images/image-builder.js';
import { RunIdentity } from '../run/run-identity.js';
import { createDockerClient } from './docker-client.js';

const docker = createDockerClient();
const identity = RunIdentity.create();
let container: StartedTestContainer | undefined;

afterAll(async () => {
  await container?.stop({ timeout: 1000 });
  for (const n of await docker.listNetworks({ 'tp0.run-id': identity.runId })) await docker.removeNetwork(n.id);
});

describe('removeNetwork', () => {
  it('forces off an endpoint still attached (a running container) and removes the network', async () => {
    const images = await ensureImages({ pull: false, log: () => {} });
    const network = await docker.createNetwork(identity.networkName, identity.labels());
    container = await new GenericContainer(images.netcatTester.tag)
      .withName(identity.containerName('holder'))
      .withNetworkMode(identity.networkName)
      .withLabels(identity.labels('holder'))
      .withEntrypoint(['/bin/sh', '-c'])
      .withCommand(['exec sleep 60'])
      .start();
    await docker.removeNetwork(network.id);
    expect(await docker.listNetworks({ 'tp0.run-id': identity.runId })).toEqual([]);
    // The container itself is untouched (still running), only off the network.
    expect((await docker.inspectContainer(container.getId()))?.running).toBe(true);
  });
});
