/**
 * Scenario support for running the system by hand: a temporary folder with its compose project,
 * and waits on containers by name (the commands themselves: ../compose/by-hand.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished, type TestContext } from 'vitest';
import { type ComposeCli, plainText } from '../compose/compose-cli.js';
import type { LogEvent } from '../logs/log-grammar.js';
import { parseLogEvent } from '../logs/json-log-line.js';
import { type Exec, exec, GENERATOR, must, PROJECT_PREFIX } from '../compose/by-hand.js';
import { artifactsDir } from './scenario-run.js';

export { BY_HAND_PROJECT_PREFIXES, type Exec, exec, freeContainerNames, must, personEnv, PROBE, PROBE_FAIL, PROBE_SUCCESS, ROOT } from '../compose/by-hand.js';

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
