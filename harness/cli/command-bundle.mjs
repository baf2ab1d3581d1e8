// The run command, loaded fast: harness/cli/run-command.ts bundled by esbuild into one ES module
// (.cache/harness-cli/run-command.mjs; npm packages stay imports) and reused while every source
// file it is made of is unchanged. Loading TypeScript through tsx costs about 0.65 s a run
// (tsx's loader, then resolving and transforming ~100 files); the bundle loads in far less.
// The bundle's first line records the sha-256 of each source exactly as esbuild read it (a
// plugin reads them); any changed or missing source rebuilds it. One file, written by rename:
// a concurrent run reads a whole bundle whose stamp is its own. Without esbuild, or when the
// build fails, loadCommand resolves undefined and the caller loads the TypeScript through tsx.
//
// The bundle sits two folders below the repository root, as every harness source does: the
// `new URL('../..', import.meta.url)` of harness/*/*.ts still names the root from inside it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = 'harness/cli/run-command.ts';
const OUT_DIR = join(ROOT, '.cache', 'harness-cli');
const BUNDLE = join(OUT_DIR, 'run-command.mjs');

const STAMP_PREFIX = '// tp0 inputs: ';
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** True when the bundle exists and every source its stamp lists still has the recorded content. */
async function isCurrent() {
  let inputs;
  try {
    const text = await readFile(BUNDLE, 'utf8');
    const first = text.slice(0, text.indexOf('\n'));
    if (!first.startsWith(STAMP_PREFIX)) return false;
    inputs = JSON.parse(first.slice(STAMP_PREFIX.length));
  } catch {
    return false;
  }
  const paths = Object.keys(inputs);
  if (paths.length === 0) return false;
  const now = await Promise.all(paths.map((p) => readFile(p).then(sha256, () => undefined)));
  return paths.every((p, i) => now[i] === inputs[p]);
}

/** Bundles the entry with esbuild, hashing each source as it is read; writes the stamped bundle by rename. */
async function rebuild() {
  const { build } = await import('esbuild');
  const inputs = {};
  const hashing = {
    name: 'tp0-hash-inputs',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const bytes = await readFile(args.path);
        inputs[args.path] = sha256(bytes);
        return { contents: bytes, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    outfile: BUNDLE,
    plugins: [hashing],
  });
  const code = result.outputFiles.find((f) => f.path === BUNDLE);
  if (code === undefined || Object.keys(inputs).length === 0) throw new Error('esbuild wrote no bundle');
  await mkdir(OUT_DIR, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  await writeFile(tmp, `${STAMP_PREFIX}${JSON.stringify(inputs)}\n${code.text}`);
  await rename(tmp, BUNDLE);
}

/** The bundled module's `runCommand`, (re)built when needed; undefined when it cannot be built. */
export async function loadCommand() {
  try {
    if (!(await isCurrent())) await rebuild();
  } catch {
    return undefined;
  }
  const mod = await import(pathToFileURL(BUNDLE).href);
  return mod.runCommand;
}
