/** Test support: one program in one simulated process, run to its end; its failure rethrown. */
import type { ProcessContext, ProcessExit } from '../process/sim-process.js';
import { SimWorld, type WorldOptions } from '../process/sim-world.js';

export interface ProgramRun {
  readonly world: SimWorld;
  readonly exit: ProcessExit;
  readonly traceHash: string;
  readonly events: number;
}

/** Runs `program` on machine `box` (with `/scratch` provisioned) until it exits; throws what it threw. */
export async function runProgram(
  program: (ctx: ProcessContext) => Promise<void>,
  options: Partial<WorldOptions> & { deadlineMs?: number; setup?: (world: SimWorld) => void } = {},
): Promise<ProgramRun> {
  const world = new SimWorld({ seed: 1, ...options });
  world.machine('box').volume.provisionDir('/scratch');
  options.setup?.(world);
  const proc = world.start('box', program);
  const outcome = await world.run({ deadlineMs: options.deadlineMs ?? 600_000, until: () => !proc.alive });
  const exit = proc.exit;
  if (!exit) throw new Error(`the program did not end by ${outcome.now} ms of virtual time (${outcome.reason})`);
  if (exit.error !== undefined) throw exit.error;
  if (exit.reason !== 'natural') throw new Error(`the program ended by ${exit.reason}`);
  return { world, exit, traceHash: outcome.traceHash, events: outcome.events };
}
