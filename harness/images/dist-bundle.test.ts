import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIST_STAMP, ensureDist, stampOf } from './dist-bundle.js';

let root: string;
const write = (path: string, text: string): void => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tp0-dist-'));
  for (const f of ['package-lock.json', 'scripts/build.mjs', 'tsconfig.json', 'system/server/main.ts', 'system/client/main.ts', 'dist/server.js', 'dist/client.js', 'dist/client.cjs']) write(f, f);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the dist/ stamp', () => {
  it('changes with any file under system/, and with a bundle edited by hand', async () => {
    const first = await stampOf(root);
    expect(await stampOf(root)).toBe(first);
    write('system/server/main.ts', 'changed');
    const second = await stampOf(root);
    expect(second).not.toBe(first);
    write('system/new-file.ts', 'x');
    const third = await stampOf(root);
    expect(third).not.toBe(second);
    write('dist/client.js', 'edited by hand');
    expect(await stampOf(root)).not.toBe(third);
  });

  it('is undefined while a bundle is missing', async () => {
    rmSync(join(root, 'dist/server.js'));
    expect(await stampOf(root)).toBeUndefined();
  });

  it('skips bundling when the recorded stamp matches, and bundles (here: fails to) when it does not', async () => {
    writeFileSync(join(root, DIST_STAMP), `${await stampOf(root)}\n`);
    await expect(ensureDist(root)).resolves.toBe(false);
    write('system/server/main.ts', 'changed');
    // The fake scripts/build.mjs is no JavaScript: bundling was attempted.
    await expect(ensureDist(root)).rejects.toThrow(/scripts\/build\.mjs\) failed/);
  });
});
