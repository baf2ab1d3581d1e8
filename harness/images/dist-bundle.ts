/**
 * dist/server.js, dist/client.js and dist/client.cjs, the bundles the images are built from,
 * made again only when what they are made of changed. A stamp next to them
 * (`dist/.inputs.sha256`) holds a hash of the inputs (every file under system/,
 * package-lock.json, scripts/build.mjs, tsconfig.json) and of the bundles as written; when both still match, bundling (a node process and esbuild, about
 * 0.2 s) is skipped. A bundle edited by hand, a missing stamp or any changed source rebuilds.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contentHash } from './build-context.js';

const execFileAsync = promisify(execFile);
const INPUT_DIRS = ['system'];
const INPUT_FILES = ['package-lock.json', 'scripts/build.mjs', 'tsconfig.json'];
export const DIST_FILES = ['dist/server.js', 'dist/client.js', 'dist/client.cjs'];
export const DIST_STAMP = 'dist/.inputs.sha256';

export class DistBuildError extends Error {
  override readonly name = 'DistBuildError';
}

async function filesHash(rootDir: string, paths: readonly string[]): Promise<string | undefined> {
  try {
    return contentHash(await Promise.all(paths.map(async (p): Promise<[string, Buffer]> => [p, await readFile(join(rootDir, p))])));
  } catch {
    return undefined;
  }
}

/** A hash of everything the bundles are made of, and of the bundles now on disk. */
export async function stampOf(rootDir: string): Promise<string | undefined> {
  const inputs: string[] = [...INPUT_FILES];
  for (const dir of INPUT_DIRS) {
    const entries = await readdir(join(rootDir, dir), { recursive: true, withFileTypes: true });
    for (const e of entries) if (e.isFile()) inputs.push(join(e.parentPath ?? e.path, e.name).slice(rootDir.length).replace(/^\/+/, ''));
  }
  inputs.sort();
  const [sources, bundles] = await Promise.all([filesHash(rootDir, inputs), filesHash(rootDir, DIST_FILES)]);
  return sources === undefined || bundles === undefined ? undefined : `${sources} ${bundles}`;
}

/** Bundles dist/ unless its stamp says it is current; resolves true when it bundled. */
export async function ensureDist(rootDir: string): Promise<boolean> {
  const stampPath = join(rootDir, DIST_STAMP);
  const [now, recorded] = await Promise.all([stampOf(rootDir), readFile(stampPath, 'utf8').catch(() => undefined)]);
  if (now !== undefined && now === recorded?.trim()) return false;
  try {
    await execFileAsync(process.execPath, [join(rootDir, 'scripts/build.mjs')], { cwd: rootDir });
  } catch (error) {
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
    throw new DistBuildError(`npm run build (scripts/build.mjs) failed${stderr ? `:\n${stderr}` : ''}`, { cause: error });
  }
  const after = await stampOf(rootDir);
  if (after === undefined) throw new DistBuildError(`scripts/build.mjs did not write ${DIST_FILES.join(' and ')}`);
  await writeFile(stampPath, `${after}\n`);
  return true;
}
