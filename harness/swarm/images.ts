/**
 * The images a swarm run needs on every node, with no registry: a per-run data image (the
 * client image plus /data/agency-<id>.csv, built once per dataset and kept), then `docker save`
 * once on this host of what some node lacks, and `docker load` into those nodes, in parallel. An
 * image a node already has (same id) is not sent again: a real swarm pays once per dataset.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import Dockerode from 'dockerode';
import type { PreparedDataset } from '../datasets/datasets.js';
import type { ImageClient } from '../docker/docker-client.js';
import { readProgress } from '../docker/dockerode-images.js';
import { contentHash, tarStream, type TarEntry } from '../images/build-context.js';
import { HASH_LABEL, PROJECT, PROJECT_LABEL } from '../images/local-base.js';
import type { SwarmNode } from './swarm.js';

export const DATA_IMAGE_REPO = 'tp0-agency-data';
const DATA_TARGET = '/data';

/** The client image with the dataset's agency files in /data (what the stack's clients run). */
export async function ensureDataImage(docker: ImageClient, dataset: PreparedDataset, clientImageId: string): Promise<string> {
  const files = await Promise.all(
    dataset.agencies.map(async (a) => {
      const path = join(dataset.dir, a.file);
      const info = await stat(path);
      return { name: a.file, path, identity: `${info.size}:${info.mtimeMs}:${info.ino}` };
    }),
  );
  const dockerfile = `FROM ${clientImageId}\nLABEL ${PROJECT_LABEL}=${PROJECT} tp0.role=agency-data\nCOPY agency-*.csv ${DATA_TARGET}/\n`;
  const hash = contentHash([['Dockerfile', dockerfile], ...files.map((f): [string, string] => [f.name, f.identity])]);
  const tag = `${DATA_IMAGE_REPO}:${hash.slice(0, 16)}`;
  const existing = await docker.inspectImage(tag);
  if (existing?.labels[HASH_LABEL] === hash) return tag;
  const context: TarEntry[] = [{ kind: 'file', path: 'Dockerfile', content: dockerfile }, ...files.map((f): TarEntry => ({ kind: 'host-file', path: f.name, source: f.path, mode: 0o644 }))];
  await docker.buildImage(tarStream(context), { tag, labels: { [PROJECT_LABEL]: PROJECT, [HASH_LABEL]: hash } });
  return tag;
}

export interface Distribution {
  readonly ms: number;
  /** Size of the saved archive (0 when every node had every image). */
  readonly bytes: number;
  /** Nodes that loaded it. */
  readonly nodes: number;
}

async function imageId(api: Dockerode, ref: string): Promise<string | undefined> {
  try {
    return ((await api.getImage(ref).inspect()) as { Id: string }).Id;
  } catch {
    return undefined;
  }
}

/** Makes sure every node has `refs` as this host's engine has them. */
export async function distributeImages(refs: readonly string[], nodes: readonly SwarmNode[], dir: string): Promise<Distribution> {
  const started = performance.now();
  const host = new Dockerode();
  const ids = await Promise.all(refs.map(async (ref) => [ref, await imageId(host, ref)] as const));
  const absent = ids.filter(([, id]) => id === undefined).map(([ref]) => ref);
  if (absent.length > 0) throw new Error(`images not on this host: ${absent.join(', ')}`);
  // What each node lacks (not there, or another image under that name); one archive of them all.
  const lacking = await Promise.all(nodes.map(async (node) => ({ node, refs: (await Promise.all(ids.map(async ([ref, id]) => ((await imageId(node.api, ref)) === id ? [] : [ref])))).flat() })));
  const targets = lacking.filter((l) => l.refs.length > 0).map((l) => l.node);
  const missing = [...new Set(lacking.flatMap((l) => l.refs))];
  if (targets.length === 0) return { ms: performance.now() - started, bytes: 0, nodes: 0 };
  const archive = join(dir, 'images.tar');
  // dockerode has `getImages` (GET /images/get, several names in one archive); its types do not.
  const save = (host as unknown as { getImages(o: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({ names: missing });
  await pipeline(await save, createWriteStream(archive));
  const bytes = (await stat(archive)).size;
  try {
    await Promise.all(targets.map(async (node) => readProgress((await node.api.loadImage(createReadStream(archive))) as NodeJS.ReadableStream)));
  } finally {
    await rm(archive, { force: true });
  }
  return { ms: performance.now() - started, bytes, nodes: targets.length };
}
