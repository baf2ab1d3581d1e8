/** The image half of the dockerode-backed DockerClient. */
import { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { BuildImageOptions, ImageClient, ImageSummary, ImportImageOptions } from './docker-api.js';
import { splitTag } from './image-ref.js';
import { DockerBuildError, DockerClientError, DockerPullError, DockerUnavailableError } from './docker-errors.js';

/** One JSON line of a build, pull or import progress stream. */
interface ProgressEvent {
  readonly stream?: string;
  readonly status?: string;
  readonly error?: string;
  readonly aux?: { readonly ID?: string };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
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

export function statusCodeOf(error: unknown): number | undefined {
  return isRecord(error) && typeof error.statusCode === 'number' ? error.statusCode : undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DockerodeImages implements ImageClient {
  constructor(protected readonly docker: Dockerode) {}

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

