/**
 * tp0-net-tools-base:local, the offline base of tp0-net-tools: this host's iptables
 * (xtables-nft-multi with its `iptables*` names), tc and ip (iproute2) in /usr/sbin, the
 * iptables extension modules (libxt_statistic.so and the rest), the libraries `ldd` lists for
 * all of them, and busybox-static for a shell (/bin/sh and the usual applets, but not its own
 * `ip` and `tc`). Laid out as Debian does, so the same Dockerfile works on it and on
 * debian:bookworm-slim with the packages installed.
 *
 * Its hash covers the programs, their libraries, the extension modules and busybox (path,
 * size, mtime, inode): the check costs one `ldd` of three programs and ~130 stat calls. The
 * libraries of the extension modules (one `ldd` of ~120 files, ~0.7 s) are listed only when
 * the base is imported.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageClient } from '../docker/docker-client.js';
import type { TarEntry } from './build-context.js';
import {
  busyboxApplets,
  DEFAULT_PATH,
  ensureImported,
  hostIdentity,
  hostProgram,
  libraryFiles,
  LocalBaseError,
  rootEntries,
  sharedLibraries,
  type HostFile,
  type LocalBaseResult,
  type RootfsPlan,
} from './local-base.js';

export const LOCAL_NET_TOOLS_BASE = 'tp0-net-tools-base:local';
const RECIPE_VERSION = 'local-net-tools-base/1';
const SEARCH_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
const XTABLES = 'xtables-nft-multi';
/** Names of xtables-nft-multi in /usr/sbin (as Debian's iptables package with the nft default). */
export const XTABLES_NAMES = [
  'iptables', 'iptables-save', 'iptables-restore', 'iptables-nft', 'iptables-nft-save', 'iptables-nft-restore',
  'ip6tables', 'ip6tables-save', 'ip6tables-restore', 'ip6tables-nft', 'ip6tables-nft-save', 'ip6tables-nft-restore',
];
/** Programs the base holds for real, whose busybox applets are left out. */
const REAL_TOOLS = new Set(['ip', 'tc', ...XTABLES_NAMES]);

export interface NetToolsBaseOptions {
  readonly tag?: string;
  readonly busyboxPath?: string;
  /** Where to look for xtables-nft-multi, tc and ip (default /usr/sbin, /sbin, /usr/bin, /bin). */
  readonly searchDirs?: readonly string[];
}

async function findProgram(name: string, dirs: readonly string[]): Promise<string> {
  for (const dir of dirs) {
    try {
      return await hostProgram(join(dir, name));
    } catch {
      // not in this folder
    }
  }
  throw new LocalBaseError(`${name} not found in ${dirs.join(', ')} (apt-get install iptables iproute2)`);
}

/** busybox applets, without those the base has for real (busybox's `ip` and `tc`). */
export function appletLinks(applets: readonly string[]): TarEntry[] {
  return applets
    .filter((path) => !REAL_TOOLS.has(path.slice(path.lastIndexOf('/') + 1)))
    .map((path): TarEntry => ({ kind: 'symlink', path, target: '/bin/busybox' }));
}

/** The extension modules (`*.so`) in the folder libxtables loads them from. */
async function xtablesModules(libraries: readonly string[]): Promise<{ dir: string; files: HostFile[] }> {
  const libxtables = libraries.find((lib) => /\/libxtables\.so[.\d]*$/.test(lib));
  if (libxtables === undefined) throw new LocalBaseError(`${XTABLES} does not link libxtables (ldd)`);
  const dir = join(dirname(await hostProgram(libxtables)), 'xtables');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.so')).sort();
  } catch (error) {
    throw new LocalBaseError(`cannot list the iptables extensions in ${dir}`, { cause: error });
  }
  if (!names.includes('libxt_statistic.so')) throw new LocalBaseError(`${dir} has no libxt_statistic.so`);
  return { dir, files: names.map((name) => ({ path: join(dir, name), source: join(dir, name), mode: 0o644 })) };
}

async function plan(options: NetToolsBaseOptions): Promise<{ plan: RootfsPlan; xtablesDir: string }> {
  const dirs = options.searchDirs ?? SEARCH_DIRS;
  const busybox = await hostProgram(options.busyboxPath ?? '/bin/busybox');
  const [xtables, tc, ip] = await Promise.all([findProgram(XTABLES, dirs), findProgram('tc', dirs), findProgram('ip', dirs)]);
  const libraries = await sharedLibraries([xtables, tc, ip]);
  const modules = await xtablesModules(libraries);
  const programs: HostFile[] = [
    { path: `usr/sbin/${XTABLES}`, source: xtables, mode: 0o755 },
    { path: 'usr/sbin/tc', source: tc, mode: 0o755 },
    { path: 'usr/sbin/ip', source: ip, mode: 0o755 },
    { path: 'bin/busybox', source: busybox, mode: 0o755 },
  ];
  const extra: TarEntry[] = [
    { kind: 'dir', path: 'run' },
    { kind: 'dir', path: 'usr/local/bin' },
    ...XTABLES_NAMES.map((name): TarEntry => ({ kind: 'symlink', path: `usr/sbin/${name}`, target: XTABLES })),
    ...appletLinks(await busyboxApplets(busybox)),
  ];
  const known = [...programs, ...libraryFiles(libraries), ...modules.files];
  const hash = await hostIdentity(RECIPE_VERSION, known, extra);
  const entries = async (): Promise<TarEntry[]> => {
    const moduleLibraries = await sharedLibraries(modules.files.map((file) => file.source));
    const more = libraryFiles(moduleLibraries.filter((lib) => !known.some((file) => file.path === lib)));
    return rootEntries([...known, ...more], extra);
  };
  return { plan: { hash, entries }, xtablesDir: modules.dir };
}

/** tp0-net-tools-base:local from this host's iptables, iproute2 and busybox-static. */
export async function ensureLocalNetToolsBase(docker: ImageClient, options: NetToolsBaseOptions = {}): Promise<LocalBaseResult> {
  const started = performance.now();
  const made = await plan(options);
  const result = await ensureImported(docker, options.tag ?? LOCAL_NET_TOOLS_BASE, async () => made.plan, [
    `ENV PATH=${DEFAULT_PATH}`,
    `ENV XTABLES_LIBDIR=${made.xtablesDir}`,
    'LABEL tp0.local-base=net-tools',
    'CMD ["/bin/sh"]',
  ]);
  return { ...result, ms: performance.now() - started };
}
