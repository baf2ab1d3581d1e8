import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCommand } from './command-bundle.mjs';

describe('the run command bundle', () => {
  let root: string;
  const options = () => ({ root, entry: 'src/main.ts', bundle: 'out/main.mjs' });
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tp0-command-bundle-'));
    write('src/main.ts', "import { answer } from './part.js';\nexport const runCommand = (): number => answer;\n");
    write('src/part.ts', 'export const answer: number = 1;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = async () => {
    const loaded = await loadCommand(options());
    if (!loaded) throw new Error('not built');
    return { rebuilt: loaded.rebuilt, value: (loaded.module.runCommand as () => number)() };
  };

  it('is built once, then reused while no source changes', async () => {
    expect(await run()).toEqual({ rebuilt: true, value: 1 });
    expect(await run()).toEqual({ rebuilt: false, value: 1 });
    expect(readFileSync(join(root, 'out/main.mjs'), 'utf8')).toMatch(/^\/\/ tp0 inputs: \{.*part\.ts/);
  });

  it('is rebuilt when a source it imports changes, and runs the new code', async () => {
    await run();
    write('src/part.ts', 'export const answer: number = 2;\n');
    expect(await run()).toEqual({ rebuilt: true, value: 2 });
  });

  it('is rebuilt when its stamp is missing (a bundle edited by hand)', async () => {
    await run();
    write('out/main.mjs', 'export const runCommand = () => 99;\n');
    expect(await run()).toEqual({ rebuilt: true, value: 1 });
  });

  it('resolves undefined when the sources do not build (the caller falls back to tsx)', async () => {
    write('src/part.ts', 'export const answer: number = ;\n');
    expect(await loadCommand(options())).toBeUndefined();
  });
});
