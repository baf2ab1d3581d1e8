/**
 * The platform contract: what every Platform must do, as cases that run on any of them. The
 * production platform runs them in node-platform.test.ts; the simulator runs the same cases
 * inside a simulated process (sim/contract/), so its models are held to what Node really does.
 */
import type { Platform } from '../platform.js';

export interface ContractEnv {
  /** A host to listen on and connect to. */
  readonly host: string;
  /** An empty directory to write in. */
  readonly dir: string;
}

export interface ContractCase {
  readonly name: string;
  run(platform: Platform, env: ContractEnv): Promise<void>;
}
