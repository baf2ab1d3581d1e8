/**
 * What containers a run starts, derived from the compose generator's own model, so that the
 * harness and `docker compose` run the very same services (names, images, environment,
 * mounts). Only the bind-mount sources change: per-run config files and the run's dataset.
 * The server's output folder is not mounted: bets.csv stays in the container and is copied
 * out (also after the container stopped).
 */
import { buildCompose, type ComposeDocument, DATA_DIR_TARGET, SERVER_SERVICE } from '../../compose-templates/compose-model.js';

export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface ServiceSpec {
  /** The compose service and container_name (`server`, `client3`): the network alias too. */
  readonly name: string;
  readonly role: 'server' | 'client';
  readonly image: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly mounts: readonly Mount[];
  readonly stopGraceSeconds: number;
}

export interface PlanOptions {
  readonly clients: number;
  readonly serverImage: string;
  readonly clientImage: string;
  readonly serverConfig: string;
  readonly clientConfig: string;
  /** Folder of agency-N.csv, or undefined when clients take their bet from the environment. */
  readonly dataDir: string | undefined;
  readonly serverEnv?: Readonly<Record<string, string>>;
  readonly clientEnv?: (id: number) => Readonly<Record<string, string>>;
}

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

/** `source:target[:ro|rw]`, read from the right: the source may hold `${VAR:-default}`. */
function parseMount(volume: string): Mount {
  const m = /^(.+):(\/[^:]*)(?::(ro|rw))?$/.exec(volume);
  if (!m) throw new PlanError(`cannot read volume "${volume}"`);
  return { source: m[1] as string, target: m[2] as string, readOnly: m[3] === 'ro' };
}

function seconds(duration: string): number {
  const m = /^(\d+)s$/.exec(duration);
  if (!m) throw new PlanError(`stop_grace_period "${duration}" is not in seconds`);
  return Number(m[1]);
}

/** Maps a compose mount source to the run's own file, or undefined to leave it out. */
function hostSource(mount: Mount, options: PlanOptions): string | undefined {
  if (mount.target === '/output') return undefined;
  if (mount.source === options.serverConfig || mount.source === options.clientConfig) return mount.source;
  if (mount.target === DATA_DIR_TARGET) return options.dataDir;
  throw new PlanError(`the compose model mounts ${mount.source} at ${mount.target}; the harness does not know that mount`);
}

export function composeModel(options: PlanOptions): ComposeDocument {
  return buildCompose({
    clients: options.clients,
    serverImage: options.serverImage,
    clientImage: options.clientImage,
    serverConfig: options.serverConfig,
    clientConfig: options.clientConfig,
  });
}

export function planServices(options: PlanOptions): ServiceSpec[] {
  const doc = composeModel(options);
  return Object.values(doc.services).map((service) => {
    const role = service.container_name === SERVER_SERVICE ? 'server' : 'client';
    const id = role === 'client' ? Number(service.environment.CLI_ID) : 0;
    const mounts: Mount[] = [];
    for (const volume of service.volumes) {
      const mount = parseMount(volume);
      const source = hostSource(mount, options);
      if (source !== undefined) mounts.push({ ...mount, source });
    }
    const extra = role === 'server' ? options.serverEnv ?? {} : options.clientEnv?.(id) ?? {};
    return {
      name: service.container_name,
      role,
      image: service.image,
      environment: { ...service.environment, ...extra },
      mounts,
      stopGraceSeconds: seconds(service.stop_grace_period),
    };
  });
}
