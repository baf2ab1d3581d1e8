/**
 * Vitest global setup of the scenario suite: a real Docker engine must answer (no engine is a
 * failure, never a skip), the images are ensured once, and resources of crashed runs go; at the
 * end, whatever the suite's workers left behind is removed too.
 */
import '../setup/testcontainers-env.js';
import { createDockerClient } from '../docker/docker-client.js';
import { ensureImages } from '../images/image-builder.js';
import { cleanupStaleRuns } from '../run/stale-cleanup.js';

export default async function setup(): Promise<() => Promise<void>> {
  const docker = createDockerClient();
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(
      `The scenarios need a real Docker engine and none answers (${(err as Error).message}).\n` +
        'Start one with: bash scripts/docker-engine.sh up   (or run `npm test`, which does it)',
      { cause: err },
    );
  }
  // Tests talk to no address but loopback and their own containers: no registry pulls, the
  // images are built from local material (a local base made from this host when needed).
  const images = await ensureImages({ pull: false, log: (line) => console.log(`[images] ${line}`) });
  console.log(`[images] ready in ${Math.round(images.totalMs)} ms: ${[images.server, images.client, images.netcatTester, images.netTools].map((i) => `${i.tag} (${i.built ? 'built' : 'up to date'})`).join(', ')}`);
  const stale = await cleanupStaleRuns(docker);
  if (stale.containers + stale.networks + stale.folders > 0) console.log(`[cleanup] removed stale runs: ${JSON.stringify(stale)}`);
  for (const f of stale.failures) console.warn(`[cleanup] could not remove ${f}`);
  return async () => {
    const left = await cleanupStaleRuns(docker);
    if (left.containers + left.networks > 0) console.log(`[cleanup] removed what the suite left: ${JSON.stringify(left)}`);
    for (const f of left.failures) console.warn(`[cleanup] could not remove ${f}`);
  };
}
