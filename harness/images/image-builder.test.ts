import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DockerPullError,
  type BuildImageOptions,
  type ImageClient,
  type ImageSummary,
  type ImportImageOptions,
} from '../docker/docker-client.js';
import { BASE_SOURCE_LABEL, ensureImage, ensureImages, ImageBuildError } from './image-builder.js';
import { IMAGE_SPECS } from './image-specs.js';
import { HASH_LABEL, LOCAL_NODE_BASE } from './local-base.js';

/** An in-memory engine: records what is asked, pulls succeed only for `pullable` refs. */
class FakeDocker implements ImageClient {
  readonly images = new Map<string, ImageSummary>();
  readonly calls: string[] = [];
  readonly pullable = new Set<string>();
  private next = 0;

  private add(ref: string, labels: Record<string, string>): ImageSummary {
    this.next += 1;
    const image = { id: `sha256:${String(this.next).padStart(64, '0')}`, repoTags: [ref], labels, created: '' };
    this.images.set(ref, image);
    return image;
  }

  async ping(): Promise<void> {}
  async inspectImage(ref: string): Promise<ImageSummary | undefined> {
    return this.images.get(ref);
  }
  async buildImage(_context: Readable | Buffer, options: BuildImageOptions): Promise<ImageSummary> {
    this.calls.push(`build ${options.tag} FROM ${options.buildArgs?.BASE_IMAGE}`);
    return this.add(options.tag, { ...options.labels });
  }
  async importImage(rootfs: Readable, options: ImportImageOptions): Promise<ImageSummary> {
    rootfs.destroy();
    this.calls.push(`import ${options.tag}`);
    const labels: Record<string, string> = {};
    for (const change of options.changes ?? []) {
      const match = /^LABEL ([^=]+)=(.*)$/.exec(change);
      if (match?.[1] !== undefined && match[2] !== undefined) labels[match[1]] = match[2];
    }
    return this.add(options.tag, labels);
  }
  async removeImage(ref: string): Promise<boolean> {
    this.calls.push(`remove ${ref}`);
    return false;
  }
  async pullImage(ref: string): Promise<ImageSummary> {
    this.calls.push(`pull ${ref}`);
    if (!this.pullable.has(ref)) throw new DockerPullError(`pulling ${ref} failed: no registry`);
    return this.add(ref, {});
  }
}

let root: string;
let docker: FakeDocker;
// The server image: its local base comes from the node running the tests (no busybox needed).
const spec = IMAGE_SPECS.server;
const quiet = (): void => undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tp0-images-test-'));
  mkdirSync(join(root, 'docker'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'docker/server.Dockerfile'), 'ARG BASE_IMAGE=node:20-bookworm-slim\nFROM ${BASE_IMAGE}\n');
  writeFileSync(join(root, 'dist/server.js'), 'console.log("server");\n');
  docker = new FakeDocker();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('ensureImage', () => {
  it('falls back to the local base after a failed pull, then skips an unchanged rebuild without pulling', async () => {
    const first = await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true });
    expect(first.built).toBe(true);
    expect(first.base).toMatchObject({ ref: LOCAL_NODE_BASE, source: 'local' });
    expect(docker.calls).toEqual(['pull node:20-bookworm-slim', `import ${LOCAL_NODE_BASE}`, `build ${spec.tag} FROM ${LOCAL_NODE_BASE}`]);
    expect(docker.images.get(spec.tag)?.labels[HASH_LABEL]).toBe(first.hash);
    expect(docker.images.get(spec.tag)?.labels[BASE_SOURCE_LABEL]).toBe('local');

    docker.calls.length = 0;
    const second = await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true });
    expect(second).toMatchObject({ built: false, id: first.id, hash: first.hash });
    expect(docker.calls).toEqual([]);
  });

  it('rebuilds when a context file changes', async () => {
    const first = await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true });
    writeFileSync(join(root, 'dist/server.js'), 'console.log("changed");\n');
    docker.calls.length = 0;
    const second = await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true });
    expect(second.built).toBe(true);
    expect(second.hash).not.toBe(first.hash);
    expect(docker.calls).toEqual(['pull node:20-bookworm-slim', `build ${spec.tag} FROM ${LOCAL_NODE_BASE}`]);
  });

  it('uses the public base when present, and pulls it when it can', async () => {
    docker.pullable.add('node:20-bookworm-slim');
    const pulled = await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true });
    expect(pulled.base.source).toBe('pulled');
    docker.calls.length = 0;
    const again = await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true });
    expect(again).toMatchObject({ built: false, base: { source: 'public', ref: 'node:20-bookworm-slim' } });
    expect(docker.calls).toEqual([]);
  });

  it('does not pull when pulling is off', async () => {
    await ensureImage(spec, { docker, rootDir: root, log: quiet, pull: false });
    expect(docker.calls.some((call) => call.startsWith('pull'))).toBe(false);
  });

  it('fails clearly on a missing forced base or a missing input file', async () => {
    await expect(ensureImage(spec, { docker, rootDir: root, log: quiet, baseImage: 'nope:1' })).rejects.toThrow(ImageBuildError);
    rmSync(join(root, 'dist/server.js'));
    await expect(ensureImage(spec, { docker, rootDir: root, log: quiet, pull: true })).rejects.toThrow(/cannot read dist\/server\.js \(run `npm run build` first\)/);
  });
});

describe('ensureImages', () => {
  it('says which dist file is missing when bundling is skipped', async () => {
    rmSync(join(root, 'dist/client.js'), { force: true });
    // The client image's other file is there: only client.js is missing (else which one is
    // named depends on which read fails first).
    writeFileSync(join(root, 'dist/client.cjs'), 'console.log("client");\n');
    writeFileSync(join(root, 'docker/client.Dockerfile'), 'FROM x\n');
    await expect(
      ensureImages({ docker, rootDir: root, log: quiet, buildDist: false, lockPath: join(root, 'images.lock') }),
    ).rejects.toThrow(/cannot read dist\/client\.js \(run `npm run build` first\)/);
  });
});
