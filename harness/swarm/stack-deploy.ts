/**
 * A run's stack: the stack rendering of the compose model (compose-templates/stack-model.ts)
 * with the run's config files, its data image and its labels, written into the run's folder
 * and deployed with the docker CLI's `docker stack deploy` against the manager: the very file
 * a person would deploy by hand.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toYaml } from '../../compose-templates/compose-model.js';
import { buildStack, type StackDocument, type StackService } from '../../compose-templates/stack-model.js';
import { SwarmError, type SwarmNode } from './swarm.js';

const execFileAsync = promisify(execFile);

export interface RunStackOptions {
  readonly clients: number;
  readonly serverImage: string;
  readonly dataImage: string;
  readonly serverConfig: string;
  readonly clientConfig: string;
  readonly serverNode: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly clientEnv: (id: number) => Readonly<Record<string, string>>;
}

/** The stack document of a run: the shared services, plus the run's extra environment. */
export function runStack(o: RunStackOptions): StackDocument {
  const stack = buildStack({
    clients: o.clients,
    serverImage: o.serverImage,
    clientImage: o.dataImage,
    serverConfig: o.serverConfig,
    clientConfig: o.clientConfig,
    serverNode: o.serverNode,
    data: { kind: 'image', image: o.dataImage },
    labels: o.labels,
  });
  const services: Record<string, StackService> = {};
  for (const [name, service] of Object.entries(stack.services)) {
    const extra = name === 'server' ? o.serverEnv : o.clientEnv(Number(service.environment.CLI_ID));
    services[name] = { ...service, environment: { ...service.environment, ...extra } };
  }
  return { ...stack, services };
}

/** The docker CLI's environment for `node`: its DOCKER_HOST or DOCKER_CONTEXT wins. */
function cliEnv(node: SwarmNode): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...node.cliEnv };
  if (node.cliEnv.DOCKER_CONTEXT !== undefined) delete env.DOCKER_HOST;
  return env;
}

async function docker(node: SwarmNode, args: readonly string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync('docker', [...args], { env: cliEnv(node), maxBuffer: 8 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new SwarmError(`docker ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

/** Writes `<dir>/stack.yml` and deploys it as `name` (no registry lookups: the nodes have the images). */
export async function deployStack(manager: SwarmNode, dir: string, name: string, stack: StackDocument): Promise<string> {
  const file = join(dir, 'stack.yml');
  writeFileSync(file, toYaml(stack, `The stack of harness run ${name}.`));
  await docker(manager, ['stack', 'deploy', '--resolve-image', 'never', '-c', file, name]);
  return file;
}

export async function removeStack(manager: SwarmNode, name: string): Promise<void> {
  await docker(manager, ['stack', 'rm', name]);
}
