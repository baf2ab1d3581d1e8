/** A simulated run is a function of its seed: the same trace, twice in one process and across processes. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runWorkload } from './testing/workload.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('determinism', () => {
  it('the same seed gives the same trace, line for line, twice in one process; other seeds differ', async () => {
    const a = await runWorkload({ seed: 42, keepTrace: true });
    const b = await runWorkload({ seed: 42, keepTrace: true });
    expect(a.outcome.events).toBeGreaterThan(1000);
    expect(b.world.sim.trace.lines).toEqual(a.world.sim.trace.lines);
    expect(b.outcome.traceHash).toBe(a.outcome.traceHash);
    // Faults really happened in it, and the clients still finished.
    const lines = a.world.sim.trace.lines ?? [];
    for (const fault of ['fault crash', 'partition', 'fault pause', 'reset']) expect(lines.some((l) => l.includes(fault))).toBe(true);
    expect(a.echoed).toEqual([100, 100, 100, 100, 100]);
    const others = await Promise.all([43, 44, 45].map(async (seed) => (await runWorkload({ seed })).outcome.traceHash));
    expect(new Set([a.outcome.traceHash, ...others]).size).toBe(4);
  });

  it('the same seed gives the same trace hash in two other processes', async () => {
    const inProcess = (await runWorkload({ seed: 7 })).outcome.traceHash;
    const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', 'sim/testing/workload-cli.ts', '--seed', '7'], { cwd: ROOT });
    const outputs = await Promise.all([run(), run()]);
    for (const { stdout } of outputs) expect(stdout).toContain(`trace hash: ${inProcess}`);
  });
});
