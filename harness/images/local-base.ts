/**
 * Base images made from the host when no registry can be reached:
 *  - tp0-node-base:local    the host's node binary, the shared libraries `ldd` lists and
 *                           the dynamic loader, plus /tmp and a minimal /etc;
 *  - tp0-busybox-base:local the host's busybox (busybox-static) with a symlink per applet;
 *  - tp0-net-tools-base:local (local-net-tools-base.ts) iptables, tc, ip and busybox.
 * Each is a `docker import` of a tar streamed from memory (no temp folder). Each carries a
 * `tp0.content-hash` label computed from the host files' identity (path, size, mtime), so
 * an existing base is reused at the cost of a few stat calls.
 */
import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ImageClient, ImageSummary } from '../docker/docker-client.js';
import { contentHash, tarStream, type TarEntry } from './build-context.js';

const execFileAsync = promisify(execFile);

export const LOCAL_NODE_BASE = 'tp0-node-base:local';
export const LOCAL_BUSYBOX_BASE = 'tp0-busybox-base:local';
export const HASH_LABEL = 'tp0.content-hash';
export const PROJECT_LABEL = 'tp0.project';
export const PROJECT = 'tp0';
/** Bumped when the way a base is assembled changes, so that old bases are re-made. */
const RECIPE_VERSION = 'local-base/1';
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class LocalBaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalBaseError';
  }
}

export interface LocalBaseResult {
  readonly image: ImageSummary;
  /** False when an up-to-date base was already there. */
  readonly created: boolean;
  readonly ms: number;
}

/** Library paths from `ldd` output (the vDSO has none); [] for a static program. */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line.length === 0 || /not a dynamic executable|statically linked/.test(line)) continue;
    // `ldd a b` heads each program's list with `a:`.
    if (raw.length > 0 && !/^\s/.test(raw) && line.endsWith(':')) continue;
    if (/=>\s*not found/.test(line)) throw new LocalBaseError(`ldd: missing library: ${line}`);
    const arrow = /=>\s*(\/\S+)/.exec(line);
    const bare = /^(\/\S+)/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path !== undefined && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

/** The libraries of the programs (one `ldd` call for all of them). */
export async function sharedLibraries(programs: readonly string[]): Promise<string[]> {
  const program = programs.join(' ');
  try {
    const { stdout } = await execFileAsync('ldd', [...programs], { maxBuffer: 16 * 1024 * 1024 });
    return parseLdd(stdout);
  } catch (error) {
    // ldd exits 1 for a static binary ("not a dynamic executable").
    const stdout = typeof error === 'object' && error !== null && 'stdout' in error ? String(error.stdout) : '';
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : '';
    // With several programs, ldd exits 1 when one of them is static: keep the others' libraries.
    if (/not a dynamic executable|statically linked/.test(stdout + stderr)) return parseLdd(stdout);
    throw new LocalBaseError(`cannot list the shared libraries of ${program} with ldd`, { cause: error });
  }
}

/** Every parent folder of the paths, parents first. */
export function parentDirs(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.replace(/^\/+/, '').split('/');
    for (let i = 1; i < parts.length; i += 1) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

const BASE_FILES: TarEntry[] = [
  { kind: 'dir', path: 'tmp', mode: 0o1777 },
  { kind: 'dir', path: 'root', mode: 0o700 },
  { kind: 'file', path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
  { kind: 'file', path: 'etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
  { kind: 'file', path: 'etc/nsswitch.conf', content: 'passwd: files\ngroup: files\nhosts: files dns\n' },
];

/** A file of this host copied into a local base at `path`. */
export interface HostFile {
  readonly path: string;
  readonly source: string;
  readonly mode?: number;
}

/** The real path of a program of this host (symlinks resolved). */
export async function hostProgram(program: string): Promise<string> {
  try {
    return await realpath(program);
  } catch (error) {
    throw new LocalBaseError(`${program} not found on this host`, { cause: error });
  }
}

/** The libraries at the paths `ldd` gives. */
export function libraryFiles(libraries: readonly string[]): HostFile[] {
  return libraries.map((lib) => ({ path: lib, source: lib, mode: 0o755 }));
}

/** A hash of the host files' identity (path, size, mtime, inode) and the extra entries. */
export async function hostIdentity(recipe: string, hostFiles: readonly HostFile[], extra: readonly TarEntry[]): Promise<string> {
  const identity: Array<[string, string]> = [['recipe', recipe]];
  for (const file of hostFiles) {
    const info = await stat(file.source);
    identity.push([file.path, `${file.source}:${info.size}:${info.mtimeMs}:${info.ino}`]);
  }
  for (const entry of [...BASE_FILES, ...extra]) {
    identity.push([entry.path, entry.kind === 'symlink' ? `->${entry.target}` : entry.kind === 'file' ? String(entry.content) : entry.kind]);
  }
  return contentHash(identity);
}

/** The root filesystem's entries: base files, host files, extra entries, and their folders. */
export function rootEntries(hostFiles: readonly HostFile[], extra: readonly TarEntry[]): TarEntry[] {
  const copied = hostFiles.map((file): TarEntry => ({ kind: 'host-file', path: file.path, source: file.source, mode: file.mode ?? 0o755 }));
  const files = [...BASE_FILES, ...copied, ...extra];
  const dirs = parentDirs(files.map((entry) => entry.path)).filter((dir) => !files.some((entry) => entry.path === dir));
  return [...dirs.map((dir): TarEntry => ({ kind: 'dir', path: dir })), ...files];
}

/** What a local base is made of: its hash (cheap), and its entries (made only to import it). */
export interface RootfsPlan {
  readonly hash: string;
  entries(): Promise<TarEntry[]>;
}

/** The root filesystem of one program at `target`, its libraries and extra entries. */
async function rootfs(program: string, target: string, extra: TarEntry[]): Promise<RootfsPlan> {
  const source = await hostProgram(program);
  const hostFiles: HostFile[] = [{ path: target, source, mode: 0o755 }, ...libraryFiles(await sharedLibraries([source]))];
  const hash = await hostIdentity(RECIPE_VERSION, hostFiles, extra);
  return { hash, entries: async () => rootEntries(hostFiles, extra) };
}

/** Imports the base under `tag` unless an image with the plan's hash is there already. */
export async function ensureImported(
  docker: ImageClient,
  tag: string,
  plan: () => Promise<RootfsPlan>,
  changes: readonly string[],
): Promise<LocalBaseResult> {
  const started = performance.now();
  const { hash, entries } = await plan();
  const existing = await docker.inspectImage(tag);
  if (existing !== undefined && existing.labels[HASH_LABEL] === hash) {
    return { image: existing, created: false, ms: performance.now() - started };
  }
  const image = await docker.importImage(tarStream(await entries()), {
    tag,
    changes: [...changes, `LABEL ${PROJECT_LABEL}=${PROJECT}`, `LABEL ${HASH_LABEL}=${hash}`],
  });
  return { image, created: true, ms: performance.now() - started };
}

/** tp0-node-base:local from the host's node (default: the node running this code). */
export function ensureLocalNodeBase(
  docker: ImageClient,
  options: { nodePath?: string; tag?: string } = {},
): Promise<LocalBaseResult> {
  const nodePath = options.nodePath ?? process.execPath;
  return ensureImported(
    docker,
    options.tag ?? LOCAL_NODE_BASE,
    () => rootfs(nodePath, 'usr/local/bin/node', []),
    [`ENV PATH=${DEFAULT_PATH}`, 'LABEL tp0.local-base=node', 'CMD ["node"]'],
  );
}

export async function busyboxApplets(busybox: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync(busybox, ['--list-full']);
    return stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0 && line !== 'bin/busybox');
  } catch (error) {
    throw new LocalBaseError(`cannot list the applets of ${busybox} (apt-get install busybox-static)`, { cause: error });
  }
}

/** tp0-busybox-base:local from the host's busybox (default /bin/busybox). */
export async function ensureLocalBusyboxBase(
  docker: ImageClient,
  options: { busyboxPath?: string; tag?: string } = {},
): Promise<LocalBaseResult> {
  const busybox = options.busyboxPath ?? '/bin/busybox';
  const applets = await busyboxApplets(busybox);
  const links = applets.map((path): TarEntry => ({ kind: 'symlink', path, target: '/bin/busybox' }));
  return ensureImported(
    docker,
    options.tag ?? LOCAL_BUSYBOX_BASE,
    () => rootfs(busybox, 'bin/busybox', [{ kind: 'dir', path: 'usr/local/bin' }, ...links]),
    [`ENV PATH=${DEFAULT_PATH}`, 'LABEL tp0.local-base=busybox', 'CMD ["/bin/sh"]'],
  );
}
