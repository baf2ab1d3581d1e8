/** The project's images: what goes into each build context, and on which base. */

export type ImageName = 'server' | 'client' | 'netcat-tester' | 'net-tools';
export type LocalBaseKind = 'node' | 'busybox' | 'net-tools';

export interface ContextFile {
  /** Path in the repository. */
  readonly source: string;
  /** Name in the build context (what the Dockerfile COPYs). */
  readonly target: string;
  readonly mode?: number;
}

export interface ImageSpec {
  readonly name: ImageName;
  /** Default tag, e.g. tp0-server:latest. */
  readonly tag: string;
  /** Dockerfile in the repository; it becomes `Dockerfile` in the build context. */
  readonly dockerfile: string;
  readonly files: readonly ContextFile[];
  /** The Dockerfile's own BASE_IMAGE default: an ordinary public image. */
  readonly publicBase: string;
  /** What to make from the host when publicBase cannot be had. */
  readonly localBase: LocalBaseKind;
  /** Environment variable that forces another base image. */
  readonly baseEnv: string;
}

export const IMAGE_SPECS: Readonly<Record<ImageName, ImageSpec>> = {
  server: {
    name: 'server',
    tag: 'tp0-server:latest',
    dockerfile: 'docker/server.Dockerfile',
    files: [{ source: 'dist/server.js', target: 'server.js' }],
    publicBase: 'node:20-bookworm-slim',
    localBase: 'node',
    baseEnv: 'TP0_NODE_BASE_IMAGE',
  },
  client: {
    name: 'client',
    tag: 'tp0-client:latest',
    dockerfile: 'docker/client.Dockerfile',
    files: [
      { source: 'dist/client.js', target: 'client.js' },
      { source: 'dist/client.cjs', target: 'client.cjs' },
    ],
    publicBase: 'node:20-bookworm-slim',
    localBase: 'node',
    baseEnv: 'TP0_NODE_BASE_IMAGE',
  },
  'netcat-tester': {
    name: 'netcat-tester',
    tag: 'tp0-netcat-tester:latest',
    dockerfile: 'netcat-tester/Dockerfile',
    files: [
      { source: 'netcat-tester/validar-echo-server.sh', target: 'validar-echo-server.sh', mode: 0o755 },
      { source: 'netcat-tester/mock-server.sh', target: 'mock-server.sh', mode: 0o755 },
    ],
    publicBase: 'busybox:1.36',
    localBase: 'busybox',
    baseEnv: 'TP0_BUSYBOX_BASE_IMAGE',
  },
  /** iptables, tc and ip for network faults (harness/faults/net-shaper.ts). */
  'net-tools': {
    name: 'net-tools',
    tag: 'tp0-net-tools:latest',
    dockerfile: 'net-tools/Dockerfile',
    files: [{ source: 'net-tools/net-shaper.sh', target: 'net-shaper.sh', mode: 0o755 }],
    publicBase: 'debian:bookworm-slim',
    localBase: 'net-tools',
    baseEnv: 'TP0_NET_TOOLS_BASE_IMAGE',
  },
};

export const IMAGE_NAMES: readonly ImageName[] = ['server', 'client', 'netcat-tester', 'net-tools'];
