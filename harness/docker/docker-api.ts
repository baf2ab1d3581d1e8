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

export interface FollowOptions {
  readonly since?: string;
  readonly signal?: AbortSignal;
  /** Only the last lines (of a stopped container: its log's end, read at once). */
  readonly tail?: number;
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
  /** The container's main process as this host sees it (0 when it does not run). */
  readonly pid: number;
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

/** A bind mount: a host path at a container path. */
export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** What a container is created with (it is not started). */
export interface CreateContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly mounts?: readonly BindMount[];
  /** A network by name or id, joined with these aliases; or `container:<id>` (its namespace, no aliases). */
  readonly network: string;
  readonly aliases?: readonly string[];
  /** Other entrypoint/command than the image's. */
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly capAdd?: readonly string[];
  /** The engine's log driver for the container and its options (default: the engine's own). */
  readonly log?: { readonly driver: string; readonly options?: Readonly<Record<string, string>> };
}

/**
 * Container and network operations: create, start, signals, pause, network disconnect,
 * labelled networks, label queries, log following (which must survive a restart).
 */
/** A container to create, as the Engine API's create body has it (HostConfig as the API names its fields). */
export interface ContainerCreateSpec {
  readonly name: string;
  readonly image: string;
  readonly hostname?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Anonymous volumes (paths in the container), removed with it. */
  readonly volumes?: readonly string[];
  readonly hostConfig: object;
}

export interface ContainerClient {
  /** Creates a container, not started; resolves with its id. */
  createContainer(options: CreateContainerOptions): Promise<string>;
  /** Creates a container (not started) from the Engine API's own create body (a swarm node); its id. */
  createContainerFromSpec(spec: ContainerCreateSpec): Promise<string>;
  /** The container's IPv4 address on `network` (none when it is not attached). */
  containerAddress(id: string, network: string): Promise<string | undefined>;
  inspectContainer(id: string): Promise<ContainerSummary | undefined>;
  killContainer(id: string, signal: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds` (docker stop). */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  startContainer(id: string): Promise<void>;
  pauseContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  /** Resolves with the exit code once the container is not running. */
  waitContainer(id: string): Promise<number>;
  /**
   * Tells `onExit` of every exit (the engine's `die` event) of a container with these labels
   * from now on; resolves once subscribed, with what ends the subscription. The engine sends
   * `die` once the container's output is all in its log, a few hundred milliseconds before a
   * wait returns (it waits for the network and mounts to be released too).
   */
  watchExits(labels: Readonly<Record<string, string>>, onExit: (id: string, exitCode: number) => void): Promise<() => void>;
  removeContainer(id: string): Promise<void>;
  listContainers(labels: Readonly<Record<string, string>>): Promise<ContainerSummary[]>;
  /** Ids of the running containers with these labels: one engine call, no inspect. */
  runningContainerIds(labels: Readonly<Record<string, string>>): Promise<string[]>;
  /**
   * Follows the container's output line by line (stdout and stderr) from `since` (inclusive,
   * engine time) until the container stops, or until `signal` aborts (the lines so far were
   * given); lines end without their line break.
   */
  followLogs(id: string, options?: FollowOptions): AsyncIterable<LogLine>;
  /** A tar stream of `path` inside the container (running or stopped). */
  getArchive(id: string, path: string): Promise<NodeJS.ReadableStream>;
  createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<NetworkSummary>;
  /**
   * Removes a network; one with endpoints still attached has them disconnected by force and is
   * tried again (`attempts` in all, waiting a little longer each time; default 5).
   */
  removeNetwork(id: string, options?: { readonly attempts?: number }): Promise<void>;
  listNetworks(labels: Readonly<Record<string, string>>): Promise<NetworkSummary[]>;
  connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void>;
  disconnectNetwork(network: string, container: string): Promise<void>;
}

/** The whole client: images for the builder, containers and networks for the harness. */
export interface DockerClient extends ImageClient, ContainerClient {}

export * from './docker-errors.js';

export { splitTag } from './image-ref.js';
