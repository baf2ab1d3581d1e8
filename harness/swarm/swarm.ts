/**
 * A Docker Swarm to run the lottery on: a manager endpoint and one endpoint per node, each a
 * Docker API the harness talks to directly (to follow a task's logs, kill or pause it, run a
 * helper in its network namespace, read bets.csv from the server's volume).
 *
 *   Swarms.local({ nodes: 3 })                       // built on this machine per run (DinD)
 *   Swarms.endpoints({ manager: 'ctx-a', nodes: ['ctx-a', 'ctx-b', 'ctx-c'] })   // a user's
 *
 * An endpoint is a docker context name, `unix:///path/docker.sock` or `tcp://host:port`.
 */
import type Dockerode from 'dockerode';
import type { DockerClient } from '../docker/docker-client.js';
import type { RunIdentity } from '../run/run-identity.js';

/** Nodes of a local swarm: by default, and at most (2 cores do not carry more). */
export const DEFAULT_NODES = 3;
export const MAX_NODES = 8;

export interface SwarmNode {
  /** The node's hostname, as the swarm names it (placement constraints, reports). */
  readonly name: string;
  /** The address other nodes reach it at (its swarm advertise address). */
  readonly address: string;
  /** The node's own engine: raw (containers the harness creates, events, swarm calls)… */
  readonly api: Dockerode;
  /** …and behind the harness's interface (inspect, kill, pause, logs, archives). */
  readonly client: DockerClient;
  /** Environment that points the docker CLI at this node (DOCKER_HOST or DOCKER_CONTEXT). */
  readonly cliEnv: Readonly<Record<string, string>>;
  /** The node's container on this host's engine (a local cluster), for memory readings. */
  readonly hostContainer?: string;
}

export interface Swarm {
  readonly description: string;
  readonly manager: SwarmNode;
  readonly nodes: readonly SwarmNode[];
  /** True when the harness built it for this run (it goes with the run). */
  readonly local: boolean;
  /** Removes what the harness made of the swarm itself (a local cluster); nothing for a given one. */
  remove(): Promise<void>;
}

export interface SwarmOpenContext {
  readonly identity: RunIdentity;
  /** This host's engine (where a local cluster's nodes run). */
  readonly host: DockerClient;
  /** The run's folder (node sockets, saved images). */
  readonly dir: string;
  readonly log: (line: string) => void;
}

/** Where a run's swarm comes from: opened (or built) when the run starts. */
export interface SwarmSource {
  readonly description: string;
  open(ctx: SwarmOpenContext): Promise<Swarm>;
}

export class SwarmError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SwarmError';
  }
}
