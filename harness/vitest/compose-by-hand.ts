/**
 * Scenario support for running the system by hand: compose (v2 or v1) and docker commands as a
 * person types them, a temporary folder with its compose project, and waits on containers by name.
 * Compose gives containers fixed names (`server`, `client1`…): freeContainerNames() refuses to go
 * on over a foreign container with one of them, and removes one left by a crashed run of a
 * by-hand scenario (projects `tp0-byhand-<pid>-…` and `tp0-course-<pid>-…`).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished, type TestContext } from 'vitest';
import { type ComposeCli, plainText } from '../compose/compose-cli.js';
import type { LogEvent } from '../logs/log-grammar.js';
import { parseLogEvent } from '../logs/json-log-line.js';
import { isProcessAlive } from '../run/stale-cleanup.js';
import { artifactsDir } from './scenario-run.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const GENERATOR = join(ROOT, 'compose-templates/generar-compose.sh');
/** The netcat probe is always run as a person types it: no arguments. */
export const PROBE = join(ROOT, 'netcat-tester/validar-echo-server.sh');
export const PROBE_SUCCESS = 'action: test_echo_server | result: success';
export const PROBE_FAIL = 'action: test_echo_server | result: fail';
const PROJECT_PREFIX = 'tp0-byhand-';
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

/** A temporary folder with a compose file in it, as a person would have, and its compose project. */
export class ByHandFolder {
  readonly project = `${PROJECT_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  private constructor(
    readonly dir: string,
    readonly cli: ComposeCli,
  ) {}

  /** Creates the folder; when the test ends, saves logs if it failed, then `down -v` and removes the folder. */
  static async create(ctx: TestContext, cli: ComposeCli): Promise<ByHandFolder> {
    const folder = new ByHandFolder(await mkdtemp(join(tmpdir(), 'tp0-compose-by-hand-')), cli);
    onTestFinished(async (finished) => {
      try {
        if (finished.task.result?.state === 'fail') await folder.saveArtifacts(artifactsDir(ctx));
      } finally {
        const down = existsSync(folder.composeFile) ? await folder.compose('down', '-v', '--remove-orphans') : undefined;
        await rm(folder.dir, { recursive: true, force: true });
        if (down !== undefined && down.code !== 0) throw new Error(`${cli.label} down failed: ${down.stderr}`);
      }
    });
    return folder;
  }

  get composeFile(): string {
    return join(this.dir, 'docker-compose.yaml');
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** `compose-templates/generar-compose.sh <dir>/docker-compose.yaml N`, run from the folder. */
  async generate(clients: number): Promise<void> {
    await must(GENERATOR, [this.composeFile, String(clients)], this.dir);
  }

  /** `<compose> -f <file> -p <project> …args`; its output without terminal escapes. */
  async compose(...args: string[]): Promise<Exec> {
    const r = await exec(this.cli.file, [...this.cli.prefix, '-f', this.composeFile, '-p', this.project, ...args], this.dir, 180_000);
    return { ...r, stdout: plainText(r.stdout), stderr: plainText(r.stderr) };
  }

  async saveArtifacts(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const logs = await this.compose('logs', '--no-color', '--timestamps');
    await writeFile(join(dir, `compose-${this.cli.version}.log`), logs.stdout + logs.stderr);
    await writeFile(join(dir, 'docker-compose.yaml'), await readFile(this.composeFile, 'utf8').catch(() => ''));
    console.log(`artifacts of the failed scenario: ${dir}`);
  }
}

export const clientNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `client${i + 1}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `docker inspect` until every container exited: their exit codes by name. Stops early when
 * one exited non-zero (the others would wait for a draw that never comes): those still up show
 * their status instead of a code.
 */
export async function waitForExit(names: readonly string[], timeoutMs: number): Promise<Record<string, number | string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await must('docker', ['inspect', '-f', '{{.Name}} {{.State.Status}} {{.State.ExitCode}}', ...names]);
    const states = out.trim().split('\n').map((l) => l.split(' ')) as [string, string, string][];
    const exited = states.filter(([, status]) => status === 'exited');
    if (exited.length === states.length || exited.some(([, , code]) => code !== '0')) {
      return Object.fromEntries(states.map(([name, status, code]) => [name.replace(/^\//, ''), status === 'exited' ? Number(code) : status]));
    }
    if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms not every container exited: ${out.trim().replace(/\n/g, '; ')}`);
    await sleep(500);
  }
}

export async function inspect(name: string, format: string): Promise<string> {
  return (await must('docker', ['inspect', '-f', format, name])).trim();
}

/** `docker logs NAME` (stdout and stderr), parsed with the course grammar; other lines are dropped. */
export async function logEvents(name: string): Promise<LogEvent[]> {
  const r = await exec('docker', ['logs', name]);
  expect(r.code, `docker logs ${name}`).toBe(0);
  return `${r.stdout}\n${r.stderr}`.split('\n').map((line) => parseLogEvent(line)).filter((e): e is LogEvent => e !== undefined);
}

/** Waits until the server logged that it listens (it must not have exited meanwhile). */
export async function waitForListening(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await logEvents('server')).some((e) => e.action === 'servidor_escuchando' && e.result === 'success')) {
    expect(await inspect('server', '{{.State.Running}}'), 'the server is running').toBe('true');
    if (Date.now() > deadline) throw new Error(`the server did not log servidor_escuchando within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** The `result: fail` events, for a readable assertion message. */
export function failLines(events: readonly LogEvent[]): string[] {
  return events.filter((e) => e.result === 'fail').map((e) => `${e.action} ${JSON.stringify(e.details)}`);
}
