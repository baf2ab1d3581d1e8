/**
 * The Docker client sits behind this small interface, so that the harness and the image
 * builder depend on the operations they need rather than on dockerode itself.
 * Container operations (run, kill with a signal, pause, network disconnect, list/remove
 * by label, …) are to be added here the same way. The factory lives in docker-client.ts, apart
 * from the interface (the dockerode implementation imports this file: no circle).
 */
import type { Readable } from 'node:stream';

/** What the harness needs to know about an image. */
export interface ImageSummary {
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly created: string;
}

export interface BuildImageOptions {
  /** Name:tag given to the result. */
  readonly tag: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  /** Path of the Dockerfile inside the context (default `Dockerfile`). */
  readonly dockerfile?: string;
  /** Each line the build prints (step by step output). */
  readonly onOutput?: (line: string) => void;
}

export interface ImportImageOptions {
  /** Name:tag given to the imported image. */
  readonly tag: string;
  /** Dockerfile instructions applied to the image config (`ENV …`, `LABEL …`, `CMD …`). */
  readonly changes?: readonly string[];
}

/** Image operations: what the image builder needs. */
export interface ImageClient {
  /** Resolves when the engine answers; rejects with DockerUnavailableError otherwise. */
  ping(): Promise<void>;
  /** The image, or undefined when there is none by that name or id. */
  inspectImage(ref: string): Promise<ImageSummary | undefined>;
  /** Builds from a tar build context (Dockerfile + files) with the classic builder. */
  buildImage(context: Readable | Buffer, options: BuildImageOptions): Promise<ImageSummary>;
  /** Creates an image from a root filesystem tar (`docker import`). */
  importImage(rootfs: Readable, options: ImportImageOptions): Promise<ImageSummary>;
  /** Pulls an image, giving up after timeoutMs; rejects with DockerPullError on failure. */
  pullImage(ref: string, timeoutMs: number): Promise<ImageSummary>;
  /** Removes an image (never forced); false when it is gone already or still in use. */
  removeImage(ref: string): Promise<boolean>;
}

/** What the harness needs to know about a container. */
export interface ContainerSummary {
  readonly id: string;
  /** Without the leading slash. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Id of the image it runs. */
  readonly image: string;
  readonly running: boolean;
  readonly paused: boolean;
  readonly exitCode: number;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface NetworkSummary {
  readonly id: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** One line of a container's output, with the engine's own timestamp (RFC 3339, nanoseconds). */
export interface LogLine {
  readonly time: string;
  readonly text: string;
}

/**
 * Container and network operations testcontainers does not offer (signals, pause, network
 * disconnect, labelled networks, label queries) or that must survive a restart (log following).
 * Containers themselves are created with testcontainers.
 */
export interface ContainerClient {
  inspectContainer(id: string): Promise<ContainerSummary | undefined>;
  killContainer(id: string, signal: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds` (docker stop). */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  startContainer(id: string): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  /** Resolves with the exit code once the container is not running. */
  waitContainer(id: string): Promise<number>;
  removeContainer(id: string): Promise<void>;
  listContainers(labels: Readonly<Record<string, string>>): Promise<ContainerSummary[]>;
  /**
   * Follows the container's output line by line (stdout and stderr) from `since` (inclusive,
   * engine time) until the container stops; lines end without their line break.
   */
  followLogs(id: string, since?: string): AsyncIterable<LogLine>;
  /** A tar stream of `path` inside the container (running or stopped). */
  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream>;
  createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<NetworkSummary>;
  removeNetwork(id: string): Promise<void>;
  listNetworks(labels: Readonly<Record<string, string>>): Promise<NetworkSummary[]>;
  connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void>;
  disconnectNetwork(network: string, container: string): Promise<void>;
}

/** The whole client: images for the builder, containers and networks for the harness. */
export interface DockerClient extends ImageClient, ContainerClient {}

export * from './docker-errors.js';

export { splitTag } from './image-ref.js';
