/**
 * Running the system by hand (SPEC §2.1–2.3, §5): what a person does with the generated compose
 * file and docker-compose 1.29, checked the way the harness checks its own runs. In a temporary
 * folder: the default dataset in .data/, `generar-compose.sh docker-compose.yaml N`, `up -d`,
 * then the results seen from the host (exit codes, .output/bets.csv, `docker logs`), the netcat
 * probe with no arguments, and `docker-compose stop`. Compose gives the containers fixed names
 * (`server`, `client1`…): a foreign container with one of them fails the test before anything
 * starts; one left by a crashed run of this file (project `tp0-byhand-<pid>-…`) is removed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, type TestContext } from 'vitest';
import { parse } from 'yaml';
import { CsvParser } from '../system/csv/csv-parser.js';
import { generateDataset, type DatasetManifest } from '../system/dataset/dataset.js';
import { parseLogLine, type LogEvent } from '../harness/index.js';
import { parseBetsCsv, type StoredBetRow } from '../harness/results/run-result.js';
import { artifactsDir } from '../harness/vitest/scenario-run.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const GENERATOR = join(ROOT, 'compose-templates/generar-compose.sh');
/** The netcat probe is always run as a person types it: no arguments. */
const PROBE = join(ROOT, 'netcat-tester/validar-echo-server.sh');
const PROBE_SUCCESS = 'action: test_echo_server | result: success';
const PROBE_FAIL = 'action: test_echo_server | result: fail';
const PROJECT_PREFIX = 'tp0-byhand-';

interface Exec {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a person's shell would have, minus variables that would change the generated file. */
function personEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TP0_DATA_DIR', 'TP0_OUTPUT_DIR', 'TP0_SERVER_IMAGE', 'TP0_CLIENT_IMAGE', 'TP0_SERVER_CONFIG', 'TP0_CLIENT_CONFIG', 'COMPOSE_PROJECT_NAME', 'COMPOSE_FILE']) delete env[name];
  return env;
}

/** Runs a command; never throws for a non-zero exit (the caller looks at `code`). */
function exec(file: string, args: readonly string[], cwd: string = ROOT, timeoutMs = 120_000): Promise<Exec> {
  return new Promise((done) => {
    execFile(file, [...args], { cwd, env: personEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      done({ code, stdout, stderr: error !== null && typeof error.code !== 'number' ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

async function must(file: string, args: readonly string[], cwd?: string): Promise<string> {
  const r = await exec(file, args, cwd);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure no container holds one of `names`. A container of a crashed run of this file (its
 * owner pid gone, or this very process) is removed with its project's networks; anything else
 * is somebody else's and fails the test with what to do.
 */
async function freeContainerNames(names: readonly string[]): Promise<void> {
  const listing = await must('docker', ['ps', '-a', '--format', '{{.Names}}\t{{.Label "com.docker.compose.project"}}']);
  for (const line of listing.split('\n').filter((l) => l !== '')) {
    const [name = '', project = ''] = line.split('\t');
    if (!names.includes(name)) continue;
    const owner = project.startsWith(PROJECT_PREFIX) ? Number(project.slice(PROJECT_PREFIX.length).split('-')[0]) : NaN;
    if (Number.isNaN(owner)) {
      throw new Error(`a container named '${name}' already exists (compose project '${project || 'none'}'), and the compose file names its containers server, client1…; ` +
        `stop that system first (docker-compose down in its folder, or docker rm -f ${name})`);
    }
    if (owner !== process.pid && alive(owner)) throw new Error(`container '${name}' belongs to a run of this scenario still in progress (pid ${owner}); wait for it to end`);
    await must('docker', ['rm', '-f', '-v', name]);
    const networks = await must('docker', ['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    for (const id of networks.split('\n').filter((l) => l !== '')) await exec('docker', ['network', 'rm', id]);
  }
}

/** A temporary folder with a compose file in it, as a person would have, and its compose project. */
class ByHandFolder {
  readonly project = `${PROJECT_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  private constructor(readonly dir: string) {}

  /** Creates the folder; when the test ends, saves logs if it failed, then `down -v` and removes the folder. */
  static async create(ctx: TestContext): Promise<ByHandFolder> {
    const folder = new ByHandFolder(await mkdtemp(join(tmpdir(), 'tp0-compose-by-hand-')));
    onTestFinished(async (finished) => {
      try {
        if (finished.task.result?.state === 'fail') await folder.saveArtifacts(artifactsDir(ctx));
      } finally {
        const down = existsSync(folder.composeFile) ? await folder.compose('down', '-v', '--remove-orphans') : undefined;
        await rm(folder.dir, { recursive: true, force: true });
        if (down !== undefined && down.code !== 0) throw new Error(`docker-compose down failed: ${down.stderr}`);
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

  compose(...args: string[]): Promise<Exec> {
    return exec('docker-compose', ['-f', this.composeFile, '-p', this.project, ...args], this.dir, 180_000);
  }

  async saveArtifacts(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const logs = await this.compose('logs', '--no-color', '--timestamps');
    await writeFile(join(dir, 'compose.log'), logs.stdout + logs.stderr);
    await writeFile(join(dir, 'docker-compose.yaml'), await readFile(this.composeFile, 'utf8').catch(() => ''));
    console.log(`artifacts of the failed scenario: ${dir}`);
  }
}

const clientNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `client${i + 1}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `docker inspect` until every container exited: their exit codes by name. Stops early when
 * one exited non-zero (the others would wait for a draw that never comes): those still up show
 * their status instead of a code.
 */
async function waitForExit(names: readonly string[], timeoutMs: number): Promise<Record<string, number | string>> {
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

async function inspect(name: string, format: string): Promise<string> {
  return (await must('docker', ['inspect', '-f', format, name])).trim();
}

/** `docker logs NAME` (stdout and stderr), parsed with the course grammar; other lines are dropped. */
async function logEvents(name: string): Promise<LogEvent[]> {
  const r = await exec('docker', ['logs', name]);
  expect(r.code, `docker logs ${name}`).toBe(0);
  return `${r.stdout}\n${r.stderr}`.split('\n').map((line) => parseLogLine(line)).filter((e): e is LogEvent => e !== undefined);
}

/** Waits until the server logged that it listens (it must not have exited meanwhile). */
async function waitForListening(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await logEvents('server')).some((e) => e.action === 'servidor_escuchando' && e.result === 'success')) {
    expect(await inspect('server', '{{.State.Running}}'), 'the server is running').toBe('true');
    if (Date.now() > deadline) throw new Error(`the server did not log servidor_escuchando within ${timeoutMs} ms`);
    await sleep(250);
  }
}

interface BetsComparison {
  readonly missing: number;
  readonly duplicated: number;
  readonly unknown: number;
  readonly examples: readonly string[];
}

/** Each stored row against the agency files' rows (parsed the same way): every bet exactly once. */
async function compareWithDataset(rows: readonly StoredBetRow[], dataDir: string, manifest: DatasetManifest): Promise<BetsComparison> {
  const expected = new Map<string, number>();
  for (const agency of manifest.agencies) {
    const parser = new CsvParser();
    const text = await readFile(join(dataDir, agency.file), 'utf8');
    for (const r of [...parser.push(text), ...parser.end()]) {
      if (r.kind !== 'row') throw new Error(`${agency.file}:${r.line}: ${r.reason}`);
      const key = JSON.stringify([agency.agency, ...r.fields]);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
  }
  let duplicated = 0;
  let unknown = 0;
  const examples: string[] = [];
  for (const row of rows) {
    const key = JSON.stringify([row.agency, row.firstName, row.lastName, row.document, row.birthdate, String(row.number)]);
    const left = expected.get(key);
    if (left === undefined) unknown++;
    else if (left === 0) duplicated++;
    else expected.set(key, left - 1);
    if ((left === undefined || left === 0) && examples.length < 5) examples.push(`${left === undefined ? 'unknown' : 'duplicated'}: ${key}`);
  }
  let missing = 0;
  for (const [key, left] of expected) {
    missing += left;
    if (left > 0 && examples.length < 10) examples.push(`missing: ${key}`);
  }
  return { missing, duplicated, unknown, examples };
}

function failLines(events: readonly LogEvent[]): string[] {
  return events.filter((e) => e.result === 'fail').map((e) => `${e.action} ${JSON.stringify(e.details)}`);
}

describe('running the system by hand: generar-compose.sh + docker-compose', () => {
  it('5 agencies from a folder outside the repo: every bet stored once, each agency gets its winners, the probe finds the server, SIGTERM closes everything', async (ctx) => {
    const clients = clientNames(5);
    await freeContainerNames(['server', ...clients]);
    const folder = await ByHandFolder.create(ctx);
    const manifest = await generateDataset({ dir: folder.path('.data') });
    expect(manifest.totalBets).toBe(78_697);

    await folder.generate(5);
    // Written under /tmp, so the config files are mounted by their absolute path in the repo.
    const document = parse(await readFile(folder.composeFile, 'utf8')) as { services: Record<string, { volumes: string[] }> };
    expect(document.services.server?.volumes).toContain(`${join(ROOT, 'config/server.ini')}:/config/config.ini:ro`);
    expect(document.services.client1?.volumes).toContain(`${join(ROOT, 'config/client.yaml')}:/config/config.yaml:ro`);

    const up = await folder.compose('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(await waitForExit(clients, 180_000)).toEqual({ client1: 0, client2: 0, client3: 0, client4: 0, client5: 0 });

    // .output/bets.csv on the host: `wc -l` gives every bet, each of the dataset's rows exactly once.
    const stored = parseBetsCsv(await readFile(folder.path('.output', 'bets.csv'), 'utf8'));
    expect(stored.lines).toBe(manifest.totalBets);
    expect({ malformed: stored.malformed, tornTail: stored.tornTail }).toEqual({ malformed: [], tornTail: false });
    expect(await compareWithDataset(stored.rows, folder.path('.data'), manifest)).toEqual({ missing: 0, duplicated: 0, unknown: 0, examples: [] });

    // Each agency logged its own winners count, as the course's tests read it.
    for (const agency of manifest.agencies) {
      const answers = (await logEvents(`client${agency.agency}`)).filter((e) => e.action === 'consulta_ganadores' && e.result === 'success');
      expect(answers.map((e) => e.details.cant_ganadores), `client${agency.agency}`).toEqual([String(agency.winners.length)]);
    }
    const draws = (await logEvents('server')).filter((e) => e.action === 'sorteo');
    expect(draws.map((e) => [e.result, e.details.apuestas])).toEqual([['success', String(manifest.totalBets)]]);

    // After the draw the server keeps serving: the probe, with no arguments, finds it and its network.
    const echo = await exec(PROBE, []);
    expect({ code: echo.code, stdout: echo.stdout.trim() }, echo.stderr).toEqual({ code: 0, stdout: PROBE_SUCCESS });

    // docker-compose stop: SIGTERM, then the server closes what it holds and exits 0 within the grace period.
    const stop = await folder.compose('stop');
    expect(stop.code, stop.stderr).toBe(0);
    expect(await inspect('server', '{{.State.Status}} {{.State.ExitCode}}')).toBe('exited 0');
    const server = await logEvents('server');
    expect(server.filter((e) => e.action === 'shutdown').map((e) => e.result)).toEqual(['in_progress', 'success']);
    const sigterm = server.findIndex((e) => e.action === 'shutdown');
    const closed = server.slice(sigterm).filter((e) => e.action === 'close' && e.result === 'success').map((e) => e.details.resource);
    expect(closed).toEqual(expect.arrayContaining(['listener', 'file']));

    // Not one `result: fail` line in the whole run.
    const everyFail = [...failLines(server)];
    for (const name of clients) everyFail.push(...failLines(await logEvents(name)).map((l) => `${name}: ${l}`));
    expect(everyFail).toEqual([]);
  });

  it('N = 0: the server runs alone and answers the probe; stopped, the probe reports fail', async (ctx) => {
    await freeContainerNames(['server']);
    const folder = await ByHandFolder.create(ctx);
    await folder.generate(0);
    const document = parse(await readFile(folder.composeFile, 'utf8')) as { services: Record<string, unknown> };
    expect(Object.keys(document.services)).toEqual(['server']);

    const up = await folder.compose('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    await waitForListening(30_000);
    const echo = await exec(PROBE, []);
    expect({ code: echo.code, stdout: echo.stdout.trim() }, echo.stderr).toEqual({ code: 0, stdout: PROBE_SUCCESS });

    // The container still exists but is not running: one `fail` line, exit 1, no crash.
    const stop = await folder.compose('stop', 'server');
    expect(stop.code, stop.stderr).toBe(0);
    expect(await inspect('server', '{{.State.Status}} {{.State.ExitCode}}')).toBe('exited 0');
    const refused = await exec(PROBE, []);
    expect({ code: refused.code, stdout: refused.stdout.trim() }).toEqual({ code: 1, stdout: PROBE_FAIL });
    expect(refused.stderr).toContain("container 'server' is not running");
    expect(failLines(await logEvents('server'))).toEqual([]);
  });
});
