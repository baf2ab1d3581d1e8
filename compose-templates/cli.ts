/**
 * Writes a compose file with one server and N agency clients.
 *   node --import tsx compose-templates/cli.ts <out-file> <N>
 * (usually through compose-templates/generar-compose.sh). Read at generation time:
 *   TP0_SERVER_IMAGE, TP0_CLIENT_IMAGE    images (default tp0-server:latest, tp0-client:latest)
 *   TP0_SERVER_CONFIG, TP0_CLIENT_CONFIG  config files to mount (default config/server.ini,
 *                                         config/client.yaml of this repository); they may not
 *                                         exist yet (a warning): write them before `up`
 *   TP0_CLIENT_MODE                       echo or lottery: CLI_MODE of every client (exercises
 *                                         1–4 use echo); unset, the client config decides
 *   NOMBRE, APELLIDO, DOCUMENTO,          every client's single bet (exercise 5, used only
 *   NACIMIENTO, NUMERO                    without an agency file); default the course's sample
 * Config paths are written relative to the compose file when both are inside this repository,
 * absolute otherwise. TP0_DATA_DIR and TP0_OUTPUT_DIR are
 * left as ${…} in the file: compose reads them when it runs.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildCompose,
  CLIENT_MODES,
  type ClientMode,
  COURSE_SAMPLE_BET,
  type SampleBet,
  ComposeOptionsError,
  DEFAULT_CLIENT_IMAGE,
  DEFAULT_SERVER_IMAGE,
  mountPathFrom,
  toYaml,
} from './compose-model.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const USAGE = `usage: generar-compose.sh <out-file> <N>
  <out-file>  the compose file to write (its folder is created if needed)
  <N>         number of agency clients (client1..clientN), 0 or more
environment (read now): TP0_SERVER_IMAGE, TP0_CLIENT_IMAGE, TP0_SERVER_CONFIG, TP0_CLIENT_CONFIG,
  TP0_CLIENT_MODE (echo|lottery), NOMBRE APELLIDO DOCUMENTO NACIMIENTO NUMERO (the clients' single bet)
environment (read by compose): TP0_DATA_DIR (default ./.data), TP0_OUTPUT_DIR (default ./.output)`;

class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * The config file to mount. It may not exist yet (the course writes its configs after
 * generating): that is a warning, since Docker would mount an empty directory in its place if it
 * is still missing at `up`. A directory there already is an error: no file can be written there.
 */
function configFile(envName: string, fallback: string, warnings: string[]): string {
  const given = process.env[envName];
  const named = given !== undefined && given.length > 0;
  const path = named ? resolve(process.cwd(), given) : resolve(REPO_ROOT, fallback);
  if (!existsSync(path)) {
    warnings.push(`${named ? envName : 'config file'} ${path} does not exist yet: write it before \`docker compose up\` (Docker would create an empty directory in its place)`);
  } else if (!statSync(path).isFile()) {
    throw new UsageError(`${named ? envName : 'config file'} ${path} is not a file${statSync(path).isDirectory() ? ' but a directory (Docker creates one where a mounted file was missing at `up`): remove it and write the file' : ''}`);
  }
  return path;
}

function clientMode(): ClientMode | undefined {
  const given = process.env.TP0_CLIENT_MODE;
  if (given === undefined || given === '') return undefined;
  if (!(CLIENT_MODES as readonly string[]).includes(given)) throw new UsageError(`TP0_CLIENT_MODE must be ${CLIENT_MODES.join(' or ')}, got '${given}'`);
  return given as ClientMode;
}

/** The course's sample bet, each field overridable by the variable of its name. */
function sampleBet(): SampleBet {
  const bet: Record<string, string> = { ...COURSE_SAMPLE_BET };
  for (const key of Object.keys(bet)) {
    const value = process.env[key];
    if (value !== undefined && value !== '') bet[key] = value;
  }
  return bet as unknown as SampleBet;
}

/**
 * Relative to the compose file when both it and the config are inside this repository (the
 * two then move together with the clone, and the file reads well: ./config/server.ini);
 * absolute otherwise (a compose file written to /tmp keeps pointing at the right file).
 */
function configMountPath(composeDir: string, file: string): string {
  const inside = (path: string): boolean => path === REPO_ROOT.replace(/\/$/, '') || path.startsWith(REPO_ROOT);
  return inside(composeDir) && inside(file) ? mountPathFrom(composeDir, file) : file;
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`<N> must be a whole number >= 0, got '${text}'`);
  const count = Number.parseInt(text, 10);
  if (count > 1000) throw new UsageError(`<N> = ${count} is more clients than this testbed is meant for (1000 at most)`);
  return count;
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (argv.length !== 2) throw new UsageError(`expected 2 arguments, got ${argv.length}`);
  const [outArg, countArg] = argv as [string, string];
  if (outArg.length === 0) throw new UsageError('<out-file> is empty');
  const clients = parseCount(countArg);
  const outFile = resolve(process.cwd(), outArg);
  const composeDir = dirname(outFile);
  const warnings: string[] = [];
  const serverConfig = configFile('TP0_SERVER_CONFIG', 'config/server.ini', warnings);
  const clientConfig = configFile('TP0_CLIENT_CONFIG', 'config/client.yaml', warnings);
  const mode = clientMode();
  const document = buildCompose({
    clients,
    serverImage: process.env.TP0_SERVER_IMAGE || DEFAULT_SERVER_IMAGE,
    clientImage: process.env.TP0_CLIENT_IMAGE || DEFAULT_CLIENT_IMAGE,
    serverConfig: configMountPath(composeDir, serverConfig),
    clientConfig: configMountPath(composeDir, clientConfig),
    clientMode: mode,
    sampleBet: sampleBet(),
  });
  const header = [
    `Generated by compose-templates/generar-compose.sh (${clients} client${clients === 1 ? '' : 's'}); regenerate rather than edit.`,
    'Images: npm run images. Data: ${TP0_DATA_DIR:-./.data}/agency-<id>.csv. Output: ${TP0_OUTPUT_DIR:-./.output}/bets.csv.',
    'Works with docker compose (v2) and docker-compose 1.29.',
  ].join('\n');
  await mkdir(composeDir, { recursive: true });
  await writeFile(outFile, toYaml(document, header));
  process.stderr.write(`wrote ${outArg}: server + ${clients} client(s) on network testing_net${mode === undefined ? '' : `, client mode ${mode}`}\n`);
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  if (process.env.TP0_DATA_DIR === undefined && clients > 0 && mode !== 'echo') {
    const dataDir = resolve(composeDir, '.data');
    const missing = Array.from({ length: clients }, (_, i) => `agency-${i + 1}.csv`).filter((name) => !existsSync(resolve(dataDir, name)));
    if (missing.length > 0) {
      process.stderr.write(`note: ${missing.length} agency file(s) not in ${dataDir} yet (e.g. ${missing[0]}); a client without its file sends the single bet of NOMBRE… (exercise 5)\n`);
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ComposeOptionsError) {
    process.stderr.write(`generar-compose: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`generar-compose: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
