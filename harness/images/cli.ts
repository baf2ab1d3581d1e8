/**
 * `npm run images`: bundles dist/ and ensures tp0-server, tp0-client, tp0-netcat-tester and
 * tp0-net-tools.
 *   node --import tsx harness/images/cli.ts [--no-dist] [--no-pull] [--verbose] [--json]
 * Progress goes to stderr; the summary (or, with --json, one JSON object) to stdout.
 */
import { parseArgs } from 'node:util';
import { ensureImages, type EnsuredImage } from './image-builder.js';

const USAGE = `usage: npm run images -- [--no-dist] [--no-pull] [--verbose] [--json]
  --no-dist   do not bundle dist/ first (use the dist/server.js and dist/client.js there)
  --no-pull   never try to pull a missing public base image (same as TP0_IMAGES_PULL=0)
  --verbose   show the build steps
  --json      print one JSON object with the image names, ids and timings`;

function line(image: EnsuredImage): string {
  const what = image.built ? 'built     ' : 'up to date';
  return `${image.tag.padEnd(26)} ${what} ${image.id.slice(7, 19)}  base ${image.base.ref} [${image.base.source}]  ${Math.round(image.ms)} ms`;
}

async function main(): Promise<number> {
  let values: { 'no-dist'?: boolean; 'no-pull'?: boolean; verbose?: boolean; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        'no-dist': { type: 'boolean' },
        'no-pull': { type: 'boolean' },
        verbose: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The per-image lines are in the summary below; keep the rest of the progress on stderr.
  const log = (text: string): void => {
    if (!/^images: \S+ (built|up to date) \(/.test(text)) process.stderr.write(`${text}\n`);
  };
  const set = await ensureImages({
    log,
    buildDist: values['no-dist'] !== true,
    verbose: values.verbose === true,
    ...(values['no-pull'] === true ? { pull: false } : {}),
  });
  const images = [set.server, set.client, set.netcatTester, set.netTools];
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ images, distMs: Math.round(set.distMs), totalMs: Math.round(set.totalMs) })}\n`);
  } else {
    for (const image of images) process.stdout.write(`${line(image)}\n`);
    process.stdout.write(`images ready in ${Math.round(set.totalMs)} ms (bundling dist/ ${Math.round(set.distMs)} ms)\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const chain: string[] = [];
    for (let e: unknown = error; e instanceof Error && chain.length < 4; e = e.cause) chain.push(e.message);
    process.stderr.write(`images: failed: ${chain.join('\n  caused by: ') || String(error)}\n`);
    process.exitCode = 1;
  },
);
