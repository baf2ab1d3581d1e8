// Bundles the server and the client into single files that run with plain `node`
// (dist/server.js, dist/client.js, and dist/client.cjs for the client image's snapshot): no
// node_modules needed next to them.
// `--outdir DIR` writes them elsewhere (tests that take a copy of the bundles build their own).
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = { server: 'system/server/main.ts', client: 'system/client/main.ts' };
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir === undefined ? 'dist' : resolve(values.outdir);

await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __tp0CreateRequire } from 'node:module'; const require = __tp0CreateRequire(import.meta.url);" },
});
// The client again as one CommonJS script (dist/client.cjs): the client image builds a V8
// startup snapshot from it (`node --build-snapshot` takes a script, not a module).
await build({
  absWorkingDir: root,
  entryPoints: { client: entries.client },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const shown = values.outdir === undefined ? 'dist' : outdir;
console.log(`built ${[...Object.keys(entries).map((e) => `${shown}/${e}.js`), `${shown}/client.cjs`].join(', ')}`);
