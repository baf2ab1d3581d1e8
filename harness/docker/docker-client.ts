/**
 * The Docker client sits behind this small interface, so that the harness and the image
 * builder depend on the operations they need rather than on dockerode itself.
 * Container operations (run, kill with a signal, pause, network disconnect, list/remove
 * by label, …) are to be added here the same way.
 */
import Dockerode from 'dockerode';
import { Readable } from 'node:stream';

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

export interface DockerClient {
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

export class DockerClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerClientError';
  }
}

export class DockerUnavailableError extends DockerClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerUnavailableError';
  }
}

export class DockerBuildError extends DockerClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerBuildError';
  }
}

export class DockerPullError extends DockerClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DockerPullError';
  }
}

/** One JSON line of a build, pull or import progress stream. */
interface ProgressEvent {
  readonly stream?: string;
  readonly status?: string;
  readonly error?: string;
  readonly aux?: { readonly ID?: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function toProgressEvent(value: unknown): ProgressEvent {
  if (!isRecord(value)) return {};
  const event: { stream?: string; status?: string; error?: string; aux?: { ID?: string } } = {};
  if (typeof value.stream === 'string') event.stream = value.stream;
  if (typeof value.status === 'string') event.status = value.status;
  if (typeof value.error === 'string') event.error = value.error;
  if (isRecord(value.aux) && typeof value.aux.ID === 'string') event.aux = { ID: value.aux.ID };
  return event;
}

/** Reads a progress stream to its end; rejects at the first `error` event. */
async function readProgress(stream: NodeJS.ReadableStream, onEvent?: (event: ProgressEvent) => void): Promise<ProgressEvent[]> {
  const events: ProgressEvent[] = [];
  let pending = '';
  const take = (line: string): void => {
    const trimmed = line.trim();
    if (trimmed.length === 0) return;
    let event: ProgressEvent;
    try {
      event = toProgressEvent(JSON.parse(trimmed));
    } catch {
      event = { stream: trimmed };
    }
    events.push(event);
    onEvent?.(event);
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      take(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  take(pending);
  const failed = events.find((event) => event.error !== undefined);
  if (failed?.error !== undefined) throw new DockerClientError(failed.error);
  return events;
}

function statusCodeOf(error: unknown): number | undefined {
  return isRecord(error) && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class DockerodeClient implements DockerClient {
  constructor(private readonly docker: Dockerode) {}

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw new DockerUnavailableError(`the Docker engine does not answer (${errorText(error)}); try: bash scripts/docker-engine.sh up`, { cause: error });
    }
  }

  async inspectImage(ref: string): Promise<ImageSummary | undefined> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return {
        id: info.Id,
        repoTags: info.RepoTags ?? [],
        labels: info.Config?.Labels ?? {},
        created: info.Created,
      };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw new DockerClientError(`cannot inspect image ${ref}`, { cause: error });
    }
  }

  private async mustInspect(ref: string, what: string): Promise<ImageSummary> {
    const image = await this.inspectImage(ref);
    if (image === undefined) throw new DockerClientError(`${what} ${ref} finished but the image is not there`);
    return image;
  }

  async buildImage(context: Readable | Buffer, options: BuildImageOptions): Promise<ImageSummary> {
    try {
      const body = Buffer.isBuffer(context) ? Readable.from([context]) : context;
      const stream = await this.docker.buildImage(body, {
        t: options.tag,
        dockerfile: options.dockerfile ?? 'Dockerfile',
        buildargs: { ...options.buildArgs },
        labels: { ...options.labels },
        rm: true,
        forcerm: true,
        pull: false,
        version: '1',
      });
      await readProgress(stream, (event) => {
        const text = event.stream ?? event.status;
        if (text !== undefined && options.onOutput !== undefined) {
          for (const line of text.split('\n')) if (line.trim().length > 0) options.onOutput(line.trimEnd());
        }
      });
    } catch (error) {
      throw new DockerBuildError(`building ${options.tag} failed: ${errorText(error)}`, { cause: error });
    }
    return this.mustInspect(options.tag, 'build of');
  }

  async importImage(rootfs: Readable, options: ImportImageOptions): Promise<ImageSummary> {
    const [repo, tag] = splitTag(options.tag);
    try {
      const stream = await this.docker.importImage(rootfs, { repo, tag, changes: [...(options.changes ?? [])] });
      await readProgress(stream);
    } catch (error) {
      throw new DockerBuildError(`importing ${options.tag} failed: ${errorText(error)}`, { cause: error });
    }
    return this.mustInspect(options.tag, 'import of');
  }

  async pullImage(ref: string, timeoutMs: number): Promise<ImageSummary> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const stream = await this.docker.pull(ref, { abortSignal: controller.signal });
      await readProgress(stream);
    } catch (error) {
      const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : errorText(error);
      throw new DockerPullError(`pulling ${ref} failed: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    return this.mustInspect(ref, 'pull of');
  }

  async removeImage(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).remove({ force: false, noprune: false });
      return true;
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === 404 || code === 409) return false;
      throw new DockerClientError(`cannot remove image ${ref}`, { cause: error });
    }
  }
}

/** `name:tag` → [name, tag]; a `:` inside a registry host:port is not a tag separator. */
export function splitTag(ref: string): [string, string] {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return [ref.slice(0, colon), ref.slice(colon + 1)];
  return [ref, 'latest'];
}

export interface DockerClientOptions {
  /** Unix socket of the engine; default: DOCKER_HOST or /var/run/docker.sock (dockerode's rules). */
  readonly socketPath?: string;
}

export function createDockerClient(options: DockerClientOptions = {}): DockerClient {
  const docker = options.socketPath === undefined ? new Dockerode() : new Dockerode({ socketPath: options.socketPath });
  return new DockerodeClient(docker);
}
