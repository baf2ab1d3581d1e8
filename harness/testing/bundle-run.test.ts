import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Timeline } from '../run/timeline.js';
import { spawnBundle } from './bundle-run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp0-bundle-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('spawnBundle', () => {
  it('records the exit after the last line of the output, even when the output ends after the process exited', async () => {
    const script = join(dir, 'talker.js');
    // The process exits at once; the last line comes later, from a child that holds the same stdout
    // (the same as output still in the pipe when the process is gone: 'exit' is not the end of it).
    writeFileSync(
      script,
      [
        "const { spawn } = require('node:child_process');",
        "console.log('first line');",
        "spawn(process.execPath, ['-e', \"setTimeout(() => console.log('last line'), 300)\"], { stdio: ['ignore', 'inherit', 'inherit'] }).unref();",
        'process.exit(3);',
        '',
      ].join('\n'),
    );
    const timeline = new Timeline();
    const { exited } = spawnBundle(script, {}, dir, 'talker', timeline);
    expect(await exited).toBe(3);
    expect(timeline.select({ source: 'talker' }).map((e) => e.text)).toEqual(['first line', 'last line', 'talker exited with code 3']);
  });
});
