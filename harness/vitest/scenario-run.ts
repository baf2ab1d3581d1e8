/**
 * Scenario glue: starts a run that is always removed when the test ends and, when the test
 * failed, first leaves its artifacts in artifacts/<scenario file>/<test>/ (every container's
 * log, bets.csv, the event timeline).
 */
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished, type TestContext } from 'vitest';
import type { StartedRun } from '../run/started-run.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

export function artifactsDir(ctx: TestContext, label?: string): string {
  const file = basename(ctx.task.file.name).replace(/\.test\.ts$/, '');
  return join(ROOT, 'artifacts', file, slug(ctx.task.name) + (label ? `-${slug(label)}` : ''));
}

/** Starts `run`; on test end saves artifacts if the test failed, then removes the run. */
export async function startScenarioRun<R extends StartedRun>(ctx: TestContext, run: { start(): Promise<R> }, label?: string): Promise<R> {
  const started = await run.start();
  onTestFinished(async (finished) => {
    try {
      if (finished.task.result?.state === 'fail') {
        const dir = artifactsDir(finished, label);
        await started.saveArtifacts(dir);
        console.log(`artifacts of the failed scenario: ${dir}`);
      }
    } finally {
      await started.stop();
    }
  });
  return started;
}
