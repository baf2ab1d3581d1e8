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
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What is bundled, and where (every path relative to `root`); tests pass a folder of their own. */
const DEFAULTS = { root: ROOT, entry: 'harness/cli/run-command.ts', bundle: '.cache/harness-cli/run-command.mjs' };

const STAMP_PREFIX = '// tp0 inputs: ';
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** True when the bundle exists and every source its stamp lists still has the recorded content. */
async function isCurrent(bundle) {
  let inputs;
  try {
    const text = await readFile(bundle, 'utf8');
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
async function rebuild(root, entry, bundle) {
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
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    outfile: bundle,
    plugins: [hashing],
  });
  const code = result.outputFiles.find((f) => f.path === bundle);
  if (code === undefined || Object.keys(inputs).length === 0) throw new Error('esbuild wrote no bundle');
  await mkdir(dirname(bundle), { recursive: true });
  const tmp = `${bundle}.${process.pid}.tmp`;
  await writeFile(tmp, `${STAMP_PREFIX}${JSON.stringify(inputs)}\n${code.text}`);
  await rename(tmp, bundle);
}

/**
 * The bundled module's exports, (re)built when needed, and whether this call bundled; undefined
 * when it cannot be built.
 */
export async function loadCommand(options = {}) {
  const { root, entry, bundle: relative } = { ...DEFAULTS, ...options };
  const bundle = join(root, relative);
  let rebuilt = false;
  try {
    if (!(await isCurrent(bundle))) {
      await rebuild(root, entry, bundle);
      rebuilt = true;
    }
  } catch {
    return undefined;
  }
  const mod = await import(`${pathToFileURL(bundle).href}?${rebuilt ? Date.now() : 'current'}`);
  return { module: mod, rebuilt };
}
