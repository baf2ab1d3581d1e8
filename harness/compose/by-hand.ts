/**
 * Running the system by hand, as a person types it, outside any test framework: compose (v2 or
 * v1) and docker commands with a person's environment, and the fixed container names compose
 * gives (`server`, `client1`…): freeContainerNames() refuses to go on over a foreign container
 * with one of them, and removes one left by a crashed by-hand run (projects
 * `tp0-byhand-<pid>-…` and `tp0-course-<pid>-…`). Used by the by-hand scenarios and the Docker bench.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../run/stale-cleanup.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const GENERATOR = join(ROOT, 'compose-templates/generar-compose.sh');
/** The netcat probe is always run as a person types it: no arguments. */
export const PROBE = join(ROOT, 'netcat-tester/validar-echo-server.sh');
export const PROBE_SUCCESS = 'action: test_echo_server | result: success';
export const PROBE_FAIL = 'action: test_echo_server | result: fail';
export const PROJECT_PREFIX = 'tp0-byhand-';
/** Compose projects of the by-hand scenarios; their owner's pid follows the prefix. */
export const BY_HAND_PROJECT_PREFIXES: readonly string[] = [PROJECT_PREFIX, 'tp0-course-'];

export interface Exec {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a person's shell would have, minus variables that would change the generated file. */
export function personEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TP0_DATA_DIR', 'TP0_OUTPUT_DIR', 'TP0_SERVER_IMAGE', 'TP0_CLIENT_IMAGE', 'TP0_SERVER_CONFIG', 'TP0_CLIENT_CONFIG', 'TP0_CLIENT_MODE', 'NOMBRE', 'APELLIDO', 'DOCUMENTO', 'NACIMIENTO', 'NUMERO', 'COMPOSE_PROJECT_NAME', 'COMPOSE_FILE']) delete env[name];
  return env;
}

/** Runs a command; never throws for a non-zero exit (the caller looks at `code`). */
export function exec(file: string, args: readonly string[], cwd: string = ROOT, timeoutMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<Exec> {
  return new Promise((done) => {
    execFile(file, [...args], { cwd, env: { ...personEnv(), ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr: error !== null && typeof error.code !== 'number' ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

export async function must(file: string, args: readonly string[], cwd?: string): Promise<string> {
  const r = await exec(file, args, cwd);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Makes sure no container holds one of `names`. A container of a crashed run of this file (its
 * owner pid gone, or this very process) is removed with its project's networks; anything else
 * is somebody else's and fails the test with what to do.
 */
export async function freeContainerNames(names: readonly string[]): Promise<void> {
  const listing = await must('docker', ['ps', '-a', '--format', '{{.Names}}\t{{.Label "com.docker.compose.project"}}']);
  for (const line of listing.split('\n').filter((l) => l !== '')) {
    const [name = '', project = ''] = line.split('\t');
    if (!names.includes(name)) continue;
    const prefix = BY_HAND_PROJECT_PREFIXES.find((p) => project.startsWith(p));
    const owner = prefix === undefined ? NaN : Number(project.slice(prefix.length).split('-')[0]);
    if (Number.isNaN(owner)) {
      throw new Error(`a container named '${name}' already exists (compose project '${project || 'none'}'), and the compose file names its containers server, client1…; ` +
        `stop that system first (docker compose down in its folder, or docker rm -f ${name})`);
    }
    if (owner !== process.pid && isProcessAlive(owner)) throw new Error(`container '${name}' belongs to a run of this scenario still in progress (pid ${owner}); wait for it to end`);
    await must('docker', ['rm', '-f', '-v', name]);
    const networks = await must('docker', ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    for (const id of networks.split('\n').filter((l) => l !== '')) await exec('docker', ['network', 'rm', id]);
  }
}

