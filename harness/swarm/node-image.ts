/**
 * tp0-swarm-node:local, the image of a Docker-in-Docker swarm node, made from this host's own
 * packages (no registry): dockerd, the docker CLI, containerd, its runc shim, runc,
 * docker-proxy and tini-static as docker-init; xtables-nft-multi and xtables-legacy-multi with
 * their `iptables*` names and the whole extension folder (loaded at run time, so `ldd` misses
 * it); iproute2's `ip` with /etc/iproute2; busybox-static with a link per applet; every
 * library `ldd` lists plus the loader and libnss_files; a minimal passwd, group and nsswitch;
 * and the node's start script (below). It is `docker import`ed, and cached by the identity of
 * the host files (tp0.content-hash), like the other local bases.
 *
 * Packages: docker.io (dockerd, docker, containerd, runc, docker-proxy), tini (tini-static),
 * iptables, iproute2, busybox-static (scripts/docker-engine.sh installs what is missing).
 */
import { readdir, readlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageClient } from '../docker/docker-client.js';
import type { TarEntry } from '../images/build-context.js';
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
} from '../images/local-base.js';
import { XTABLES_NAMES } from '../images/local-net-tools-base.js';

export const SWARM_NODE_IMAGE = 'tp0-swarm-node:local';
const RECIPE_VERSION = 'swarm-node/4';
/** Where the node's dockerd also listens, a folder the harness bind-mounts from the host. */
export const NODE_SOCKET_DIR = '/tp0-socket';
export const NODE_SOCKET = `${NODE_SOCKET_DIR}/docker.sock`;
export const NODE_START = '/usr/local/bin/tp0-swarm-node.sh';

/** Programs of the node: where they are on the host (first found), where they go in the node. */
const PROGRAMS: readonly { readonly names: readonly string[]; readonly path: string }[] = [
  { names: ['/usr/sbin/dockerd', '/usr/bin/dockerd'], path: 'usr/bin/dockerd' },
  // docker.io's CLI: the same release as its dockerd.
  { names: ['/usr/bin/docker'], path: 'usr/bin/docker' },
  { names: ['/usr/bin/containerd'], path: 'usr/bin/containerd' },
  { names: ['/usr/bin/containerd-shim-runc-v2'], path: 'usr/bin/containerd-shim-runc-v2' },
  { names: ['/usr/sbin/runc', '/usr/bin/runc'], path: 'usr/bin/runc' },
  { names: ['/usr/sbin/docker-proxy', '/usr/bin/docker-proxy'], path: 'usr/bin/docker-proxy' },
  { names: ['/usr/bin/tini-static'], path: 'usr/bin/docker-init' },
  { names: ['/usr/sbin/xtables-nft-multi'], path: 'usr/sbin/xtables-nft-multi' },
  { names: ['/usr/sbin/xtables-legacy-multi'], path: 'usr/sbin/xtables-legacy-multi' },
  { names: ['/usr/sbin/ip', '/sbin/ip', '/bin/ip'], path: 'usr/sbin/ip' },
  { names: ['/bin/busybox', '/usr/bin/busybox'], path: 'bin/busybox' },
];
const LEGACY_NAMES = ['iptables-legacy', 'iptables-legacy-save', 'iptables-legacy-restore', 'ip6tables-legacy', 'ip6tables-legacy-save', 'ip6tables-legacy-restore'];
/** Names a real program has, so that busybox's applet of the same name is left out. */
const REAL_NAMES = new Set(['ip', 'docker', 'dockerd', ...XTABLES_NAMES, ...LEGACY_NAMES]);
const LOADER = '/lib64/ld-linux-x86-64.so.2';

/**
 * The node's PID 1 (under docker-init): /sys and the cgroup mounts read-write (a node is not
 * --privileged, so docker mounts them read-only), then dockerd on its usual socket and on
 * the one the harness reaches from outside.
 */
export const NODE_START_SCRIPT = `#!/bin/sh
set -e
mount -o remount,rw /sys
for m in $(awk '$3 ~ /^(cgroup|cgroup2|tmpfs)$/ && $2 ~ /^\\/sys\\/fs\\/cgroup/ {print $2}' /proc/mounts); do
  # A bind remount changes this mount's flags only (a plain remount of a cgroup v1
  # hierarchy would ask for other controllers and fail with EBUSY).
  mount -o remount,bind,rw "$m"
done
mkdir -p /var/run ${NODE_SOCKET_DIR}
rm -f ${NODE_SOCKET} /var/run/docker.pid
# No registry: a task runs the image the node has, without trying to pull it first.
export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1
exec dockerd --host unix:///var/run/docker.sock --host unix://${NODE_SOCKET} --storage-driver overlay2 "$@"
`;

async function firstProgram(names: readonly string[]): Promise<string> {
  for (const name of names) {
    try {
      return await hostProgram(name);
    } catch {
      // try the next place
    }
  }
  throw new LocalBaseError(`${names.join(' or ')} not found on this host (apt-get install docker.io tini iptables iproute2 busybox-static)`);
}

/** The regular files under `dir` (copied), and its symlinks (kept as links: libxt_MASQUERADE.so → libxt_NAT.so). */
async function filesUnder(dir: string): Promise<{ files: HostFile[]; links: TarEntry[] }> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
    const links = entries.filter((e) => e.isSymbolicLink()).map((e) => join(e.parentPath, e.name)).sort();
    return {
      files: files.map((path) => ({ path, source: path, mode: 0o644 })),
      links: await Promise.all(links.map(async (path): Promise<TarEntry> => ({ kind: 'symlink', path: path.slice(1), target: await readlink(path) }))),
    };
  } catch (error) {
    throw new LocalBaseError(`cannot list ${dir}`, { cause: error });
  }
}

async function nodePlan(): Promise<{ hash: string; entries: () => Promise<TarEntry[]> }> {
  const programs = await Promise.all(PROGRAMS.map(async (p): Promise<HostFile> => ({ path: p.path, source: await firstProgram(p.names), mode: 0o755 })));
  const libraries = await sharedLibraries(programs.map((p) => p.source));
  const libxtables = libraries.find((lib) => /\/libxtables\.so[.\d]*$/.test(lib));
  if (libxtables === undefined) throw new LocalBaseError('xtables-nft-multi does not link libxtables (ldd)');
  const xtablesDir = join(dirname(await hostProgram(libxtables)), 'xtables');
  const modules = await filesUnder(xtablesDir);
  const iproute = await filesUnder('/etc/iproute2');
  const nss = libraries.find((lib) => lib.endsWith('/libc.so.6'));
  const extraLibs: HostFile[] = [{ path: LOADER, source: await hostProgram(LOADER), mode: 0o755 }];
  if (nss !== undefined) extraLibs.push({ path: join(dirname(nss), 'libnss_files.so.2'), source: join(dirname(nss), 'libnss_files.so.2'), mode: 0o644 });
  const busybox = programs.find((p) => p.path === 'bin/busybox') as HostFile;
  const applets = (await busyboxApplets(busybox.source)).filter((path) => !REAL_NAMES.has(path.slice(path.lastIndexOf('/') + 1)));
  const extra: TarEntry[] = [
    { kind: 'dir', path: 'run' },
    { kind: 'dir', path: 'var/lib/docker' },
    { kind: 'dir', path: 'var/run' },
    { kind: 'dir', path: NODE_SOCKET_DIR.slice(1) },
    { kind: 'dir', path: 'usr/local/bin' },
    ...XTABLES_NAMES.map((name): TarEntry => ({ kind: 'symlink', path: `usr/sbin/${name}`, target: 'xtables-nft-multi' })),
    ...LEGACY_NAMES.map((name): TarEntry => ({ kind: 'symlink', path: `usr/sbin/${name}`, target: 'xtables-legacy-multi' })),
    ...applets.map((path): TarEntry => ({ kind: 'symlink', path, target: '/bin/busybox' })),
    { kind: 'file', path: NODE_START.slice(1), content: NODE_START_SCRIPT, mode: 0o755 },
    ...modules.links,
    ...iproute.links,
  ];
  const all = [...programs, ...libraryFiles(libraries), ...extraLibs, ...modules.files, ...iproute.files];
  const known = all.filter((file, i) => all.findIndex((other) => other.path === file.path) === i);
  const hash = await hostIdentity(RECIPE_VERSION, known, extra);
  const entries = async (): Promise<TarEntry[]> => {
    const moduleLibs = await sharedLibraries(modules.files.map((m) => m.source));
    const more = libraryFiles(moduleLibs.filter((lib) => !known.some((file) => file.path === lib)));
    return rootEntries([...known, ...more], extra);
  };
  return { hash, entries };
}

/** Imports tp0-swarm-node:local unless an image with the same host files is there already. */
export async function ensureSwarmNodeImage(docker: ImageClient, tag = SWARM_NODE_IMAGE): Promise<LocalBaseResult> {
  const started = performance.now();
  const result = await ensureImported(docker, tag, nodePlan, [
    `ENV PATH=${DEFAULT_PATH}`,
    'LABEL tp0.local-base=swarm-node',
    `ENTRYPOINT ["/usr/bin/docker-init", "--", "/bin/sh", "${NODE_START}"]`,
  ]);
  return { ...result, ms: performance.now() - started };
}
