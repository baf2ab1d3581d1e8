/** The Docker client: its interface (docker-api.ts) and the factory of its dockerode implementation. */
import Dockerode from 'dockerode';
import type { DockerClient } from './docker-api.js';
import { DockerodeClient } from './dockerode-client.js';

export * from './docker-api.js';

export interface DockerClientOptions {
  /** Unix socket of the engine; default: DOCKER_HOST or /var/run/docker.sock (dockerode's rules). */
  readonly socketPath?: string;
}

export function createDockerClient(options: DockerClientOptions = {}): DockerClient {
  const docker = options.socketPath === undefined ? new Dockerode() : new Dockerode({ socketPath: options.socketPath });
  return new DockerodeClient(docker);
}
