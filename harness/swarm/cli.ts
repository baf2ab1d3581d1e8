/**
 * `npm run swarm:local -- --nodes 3`: builds a local swarm of Docker-in-Docker nodes (the one a
 * `--swarm` run builds), prints each node's endpoint, loads the project's images into the
 * nodes, and keeps the swarm until Ctrl-C (then removes it). For deploying a stack by hand, or
 * `run.mjs --swarm-manager … --swarm-node …` against a swarm the run did not build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDockerClient } from '../docker/docker-client.js';
import { projectImages } from '../run/lottery-run.js';
import { RunIdentity } from '../run/run-identity.js';
import { OWNER_FILE, RUN_DIR_PREFIX } from '../run/stale-cleanup.js';
import { distributeImages } from './images.js';
import { DEFAULT_NODES, MAX_NODES } from './swarm.js';
import { Swarms } from './swarms.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: String(DEFAULT_NODES) } } });
const nodes = Number(values.nodes);

async function main(): Promise<void> {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) throw new Error(`--nodes must be a whole number from 1 to ${MAX_NODES}`);
  const host = createDockerClient();
  const images = await projectImages();
  const identity = RunIdentity.create();
  const dir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${identity.runId}-`));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const swarm = await Swarms.local({ nodes }).open({ identity, host, dir, log: (l) => console.error(l) });
  const remove = async (): Promise<void> => {
    console.error('swarm: removing the nodes');
    await swarm.remove();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void remove());
  process.on('SIGTERM', () => void remove());
  const shipped = await distributeImages([images.server.tag, images.client.tag, images.netTools.tag], swarm.nodes, dir);
  console.error(`swarm: ${images.server.tag}, ${images.client.tag}, ${images.netTools.tag} loaded into ${shipped.nodes} nodes in ${Math.round(shipped.ms)} ms`);
  for (const node of swarm.nodes) console.log(`${node.name}${node === swarm.manager ? ' (manager)' : ''}  ${node.cliEnv.DOCKER_HOST ?? ''}`);
  console.error('swarm: up until Ctrl-C');
  // Nothing else keeps the process (the owner of the nodes) alive.
  setInterval(() => {}, 60_000);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
