/**
 * What a LotteryRun was told (clients, dataset, configs, environment), as one value, so that
 * the same run can be placed elsewhere: `new LotteryRun().withClients(12).onSwarm(Swarms.local())`
 * hands these settings to the swarm's own builder (harness/swarm/swarm-lottery-run.ts).
 */
import type { DatasetSource } from '../datasets/datasets.js';
import type { DockerClient } from '../docker/docker-client.js';
import type { ClientYamlConfig, ServerIniConfig } from './run-config.js';

export interface RunSettings {
  readonly clients: number;
  readonly dataset: DatasetSource | undefined;
  /** The server's INI, the project's defaults with the run's keys over them. */
  readonly serverIni: ServerIniConfig;
  readonly clientYaml: ClientYamlConfig;
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly clientEnv: (id: number) => Readonly<Record<string, string>>;
  /** This host's engine (default: DOCKER_HOST's). */
  readonly docker: DockerClient | undefined;
  readonly startupTimeoutMs: number;
}

/** Somewhere else to run the same settings: it makes its own builder from them. */
export interface RunPlacement<R> {
  withSettings(settings: RunSettings): R;
}
