/**
 * Ensures the project's images exist and are current, building them through the Docker API
 * (no `docker build` CLI, no buildx). Each image carries `tp0.content-hash`, a hash of its
 * inputs (Dockerfile, context files, base image id); an image whose label matches is not
 * rebuilt, so a no-change call costs a few inspects.
 *
 * Base image: the Dockerfile's public default (node:20-bookworm-slim, busybox:1.36,
 * debian:bookworm-slim) when it is present locally; else a pull bounded by a short timeout;
 * else a local base made from the host (see local-base.ts), said on the log.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDockerClient, type ImageClient, type ImageSummary } from '../docker/docker-client.js';
import { contentHash, tarBuffer, type TarEntry } from './build-context.js';
import { ensureDist } from './dist-bundle.js';
import { withFileLock } from './file-lock.js';
import { IMAGE_SPECS, type ImageName, type ImageSpec, type LocalBaseKind } from './image-specs.js';
import {
  ensureLocalBusyboxBase,
  ensureLocalNodeBase,
  HASH_LABEL,
  PROJECT,
  PROJECT_LABEL,
  type LocalBaseResult,
} from './local-base.js';
import { ensureLocalNetToolsBase } from './local-net-tools-base.js';

const RECIPE_VERSION = 'image-builder/1';
export const BASE_REF_LABEL = 'tp0.base-image';
export const BASE_SOURCE_LABEL = 'tp0.base-source';
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class ImageBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageBuildError';
  }
}

/** override: forced by env/option; public: the Dockerfile default, present locally;
 *  pulled: that default, pulled now; local: made from the host. */
export type BaseSource = 'override' | 'public' | 'pulled' | 'local';

export interface ResolvedBase {
  readonly ref: string;
  readonly id: string;
  readonly source: BaseSource;
}

export interface EnsuredImage {
  readonly name: ImageName;
  readonly tag: string;
  readonly id: string;
  readonly hash: string;
  readonly base: ResolvedBase;
  /** False when an image with the same content hash was already there. */
  readonly built: boolean;
  readonly ms: number;
}

export interface EnsureImageOptions {
  readonly docker?: ImageClient;
  /** Repository root (default: this checkout). */
  readonly rootDir?: string;
  /** Try pulling a missing public base (default: true unless TP0_IMAGES_PULL=0). */
  readonly pull?: boolean;
  /** Bound of a pull attempt (default 5000 ms or TP0_PULL_TIMEOUT_MS). */
  readonly pullTimeoutMs?: number;
  /** Base image forced for this image (default: env of the spec, e.g. TP0_NODE_BASE_IMAGE). */
  readonly baseImage?: string;
  /** Tag of the result (default the spec's, e.g. tp0-server:latest). */
  readonly tag?: string;
  /** Where progress lines go (default: stderr). */
  readonly log?: (line: string) => void;
  /** Also log the build's step-by-step output. */
  readonly verbose?: boolean;
  /** Local bases made or checked so far, shared by the images of one ensureImages call (two need the node base). */
  readonly localBases?: Map<LocalBaseKind, Promise<LocalBaseResult>>;
}

interface Settings {
  readonly docker: ImageClient;
  readonly rootDir: string;
  readonly pull: boolean;
  readonly pullTimeoutMs: number;
  readonly log: (line: string) => void;
  readonly verbose: boolean;
  readonly localBases: Map<LocalBaseKind, Promise<LocalBaseResult>>;
}

function settingsOf(options: EnsureImageOptions): Settings {
  return {
    docker: options.docker ?? createDockerClient(),
    rootDir: options.rootDir ?? REPO_ROOT,
    pull: options.pull ?? process.env.TP0_IMAGES_PULL !== '0',
    pullTimeoutMs: options.pullTimeoutMs ?? (Number(process.env.TP0_PULL_TIMEOUT_MS) || 5000),
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    verbose: options.verbose ?? false,
    localBases: options.localBases ?? new Map(),
  };
}

const ms = (value: number): string => `${Math.round(value)} ms`;

/** How each local base is made, and from what. */
const LOCAL_BASES: Readonly<Record<LocalBaseKind, { make: (docker: ImageClient) => Promise<LocalBaseResult>; from: string }>> = {
  node: { make: ensureLocalNodeBase, from: 'node' },
  busybox: { make: ensureLocalBusyboxBase, from: 'busybox' },
  'net-tools': { make: ensureLocalNetToolsBase, from: 'iptables, tc, ip and busybox' },
};

async function localBase(spec: ImageSpec, s: Settings): Promise<ResolvedBase> {
  const kind = LOCAL_BASES[spec.localBase];
  let making = s.localBases.get(spec.localBase);
  const first = making === undefined;
  if (!making) s.localBases.set(spec.localBase, (making = kind.make(s.docker)));
  const result = await making;
  const ref = result.image.repoTags[0] ?? result.image.id;
  if (result.created && first) s.log(`images: made local base ${ref} from this host's ${kind.from} in ${ms(result.ms)}`);
  return { ref, id: result.image.id, source: 'local' };
}

/** The base the existing image would be checked against, without pulling or importing
 *  anything new (undefined: a base must be resolved the slow way). */
async function currentBase(spec: ImageSpec, existing: ImageSummary | undefined, override: string | undefined, s: Settings): Promise<ResolvedBase | undefined> {
  if (override !== undefined) {
    const image = await s.docker.inspectImage(override);
    return image && { ref: override, id: image.id, source: 'override' };
  }
  const pub = await s.docker.inspectImage(spec.publicBase);
  if (pub !== undefined) return { ref: spec.publicBase, id: pub.id, source: 'public' };
  if (existing?.labels[BASE_SOURCE_LABEL] === 'local') return localBase(spec, s);
  return undefined;
}

/** The base to build on: override, public (present or pulled), or the local fallback. */
async function resolveBase(spec: ImageSpec, override: string | undefined, s: Settings): Promise<ResolvedBase> {
  const wanted = override ?? spec.publicBase;
  const present = await s.docker.inspectImage(wanted);
  if (present !== undefined) return { ref: wanted, id: present.id, source: override ? 'override' : 'public' };
  let reason = 'pulling is off (TP0_IMAGES_PULL=0 or pull: false)';
  if (s.pull) {
    const started = performance.now();
    try {
      const pulled = await s.docker.pullImage(wanted, s.pullTimeoutMs);
      s.log(`images: pulled ${wanted} in ${ms(performance.now() - started)}`);
      return { ref: wanted, id: pulled.id, source: override ? 'override' : 'pulled' };
    } catch (error) {
      reason = `${error instanceof Error ? error.message : String(error)} (after ${ms(performance.now() - started)})`;
    }
  }
  if (override !== undefined) throw new ImageBuildError(`base image ${override} is not available: ${reason}`);
  const base = await localBase(spec, s);
  s.log(`images: ${wanted} is not available locally (${reason}); using local base ${base.ref}`);
  return base;
}

interface Inputs {
  readonly dockerfile: Buffer;
  readonly files: ReadonlyArray<{ readonly target: string; readonly data: Buffer; readonly mode: number }>;
}

async function readInputs(spec: ImageSpec, rootDir: string): Promise<Inputs> {
  const read = async (path: string, hint: string): Promise<Buffer> => {
    try {
      return await readFile(resolve(rootDir, path));
    } catch (error) {
      throw new ImageBuildError(`${spec.tag}: cannot read ${path}${hint}`, { cause: error });
    }
  };
  const dockerfile = await read(spec.dockerfile, '');
  const files = await Promise.all(
    spec.files.map(async (file) => ({
      target: file.target,
      data: await read(file.source, file.source.startsWith('dist/') ? ' (run `npm run build` first)' : ''),
      mode: file.mode ?? 0o644,
    })),
  );
  return { dockerfile, files };
}

function hashOf(inputs: Inputs, base: ResolvedBase): string {
  return contentHash([
    ['recipe', RECIPE_VERSION],
    ['Dockerfile', inputs.dockerfile],
    ...inputs.files.map((file): [string, Buffer] => [`${file.target}:${file.mode.toString(8)}`, file.data]),
    ['base-ref', base.ref],
    ['base-id', base.id],
  ]);
}

/** Ensures one image (no lock: see ensureImages for concurrent callers). */
export async function ensureImage(spec: ImageSpec, options: EnsureImageOptions = {}): Promise<EnsuredImage> {
  const s = settingsOf(options);
  const started = performance.now();
  const tag = options.tag ?? spec.tag;
  const override = options.baseImage ?? (process.env[spec.baseEnv] || undefined);
  const inputs = await readInputs(spec, s.rootDir);
  const existing = await s.docker.inspectImage(tag);
  const done = (image: ImageSummary, hash: string, base: ResolvedBase, built: boolean): EnsuredImage => {
    const result = { name: spec.name, tag, id: image.id, hash, base, built, ms: performance.now() - started };
    s.log(`images: ${tag} ${built ? 'built' : 'up to date'} (base ${base.ref} [${base.source}], ${ms(result.ms)})`);
    return result;
  };
  const current = await currentBase(spec, existing, override, s);
  if (existing !== undefined && current !== undefined && existing.labels[HASH_LABEL] === hashOf(inputs, current)) {
    return done(existing, hashOf(inputs, current), current, false);
  }
  const base = await resolveBase(spec, override, s);
  const hash = hashOf(inputs, base);
  if (existing !== undefined && existing.labels[HASH_LABEL] === hash) return done(existing, hash, base, false);
  const context: TarEntry[] = [
    { kind: 'file', path: 'Dockerfile', content: inputs.dockerfile },
    ...inputs.files.map((file): TarEntry => ({ kind: 'file', path: file.target, content: file.data, mode: file.mode })),
  ];
  const image = await s.docker.buildImage(await tarBuffer(context), {
    tag,
    buildArgs: { BASE_IMAGE: base.ref },
    labels: { [PROJECT_LABEL]: PROJECT, [HASH_LABEL]: hash, [BASE_REF_LABEL]: base.ref, [BASE_SOURCE_LABEL]: base.source },
    ...(s.verbose ? { onOutput: (line: string) => s.log(`  ${spec.name}| ${line}`) } : {}),
  });
  await removeSuperseded(s, existing, image);
  return done(image, hash, base, true);
}

/** The image the tag pointed at before, once nothing names it any more (a dangling
 *  leftover of a rebuild); kept when a container still uses it. */
async function removeSuperseded(s: Settings, previous: ImageSummary | undefined, current: ImageSummary): Promise<void> {
  if (previous === undefined || previous.id === current.id) return;
  const now = await s.docker.inspectImage(previous.id);
  if (now === undefined || now.repoTags.length > 0 || now.labels[PROJECT_LABEL] !== PROJECT) return;
  if (await s.docker.removeImage(previous.id)) s.log(`images: removed the previous ${current.repoTags[0] ?? 'image'} (${previous.id.slice(7, 19)})`);
}

export interface ImageSet {
  readonly server: EnsuredImage;
  readonly client: EnsuredImage;
  readonly netcatTester: EnsuredImage;
  readonly netTools: EnsuredImage;
  /** Time spent bundling dist/ (0 when buildDist is false). */
  readonly distMs: number;
  readonly totalMs: number;
}

export interface EnsureImagesOptions extends Omit<EnsureImageOptions, 'tag' | 'baseImage'> {
  /** Bundle dist/server.js and dist/client.js first (`node scripts/build.mjs`); default true. */
  readonly buildDist?: boolean;
  /** Other tags for the images. */
  readonly tags?: Partial<Readonly<Record<ImageName, string>>>;
  /** Cross-process lock file (default ${TP0_STATE_DIR:-$TMPDIR/tp0}/images.lock). */
  readonly lockPath?: string;
}

/**
 * Builds dist/ (unless buildDist is false) and ensures tp0-server, tp0-client,
 * tp0-netcat-tester and tp0-net-tools. Safe to call from several processes at once: the work
 * runs under a file lock (a second caller waits, then finds everything up to date).
 */
export async function ensureImages(options: EnsureImagesOptions = {}): Promise<ImageSet> {
  const started = performance.now();
  const s = settingsOf(options);
  await s.docker.ping();
  const stateDir = process.env.TP0_STATE_DIR ?? join(tmpdir(), 'tp0');
  const lockPath = options.lockPath ?? join(stateDir, 'images.lock');
  const onWait = (holder: number | undefined): void => s.log(`images: waiting for another build (pid ${holder ?? '?'}) to finish`);
  return withFileLock(lockPath, async () => {
    let distMs = 0;
    if (options.buildDist ?? true) {
      const distStarted = performance.now();
      const built = await ensureDist(s.rootDir).catch((error: unknown) => {
        throw new ImageBuildError(error instanceof Error ? error.message : String(error), { cause: error });
      });
      distMs = performance.now() - distStarted;
      s.log(built ? `images: bundled dist/server.js and dist/client.js in ${ms(distMs)}` : `images: dist/ is current (checked in ${ms(distMs)})`);
    }
    // The four at once: an up-to-date image costs a few inspects (and its local base an ldd).
    const common: EnsureImageOptions = { ...options, docker: s.docker, rootDir: s.rootDir, log: s.log, localBases: s.localBases };
    const one = (name: ImageName): Promise<EnsuredImage> => ensureImage(IMAGE_SPECS[name], { ...common, ...tagOf(options, name) });
    const settled = await Promise.allSettled([one('server'), one('client'), one('netcat-tester'), one('net-tools')]);
    // Every image is tried; the first failure in this order is the one reported.
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [server, client, netcatTester, netTools] = settled.map((r) => (r as PromiseFulfilledResult<EnsuredImage>).value) as [EnsuredImage, EnsuredImage, EnsuredImage, EnsuredImage];
    return { server, client, netcatTester, netTools, distMs, totalMs: performance.now() - started };
  }, { onWait });
}

function tagOf(options: EnsureImagesOptions, name: ImageName): { tag?: string } {
  const tag = options.tags?.[name];
  return tag === undefined ? {} : { tag };
}
