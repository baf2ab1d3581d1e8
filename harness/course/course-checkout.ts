/**
 * A temporary git checkout of this project in the course's layout, driven the way the course's
 * suite drives a submission: branches ej1 … ej8 (ej1–ej4 with CLIENT_MODE=echo in the root
 * generar-compose.sh), the root files of `course-layout/`, `server:latest` and `client:latest`
 * built from server/Dockerfile and client/Dockerfile, `bash generar-compose.sh
 * docker-compose-dev.yaml N` from the root, configs and `.data` written after that, then
 * `docker compose -f docker-compose-dev.yaml up -d` and its logs.
 *
 * The course's "stop every container, prune containers, networks and dangling images" step is
 * scoped to this checkout: containers and networks carrying its compose project label
 * (`tp0-course-<pid>-<hex>`, the folder's name), images carrying the label `tp0.course=<project>`
 * that its builds add. Nothing else on the engine is touched. The image names server:latest and
 * client:latest are the course's: a foreign image of that name stops the run instead of being
 * replaced, and both tags are removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ComposeCli } from '../compose/compose-cli.js';
import { isProcessAlive } from '../run/stale-cleanup.js';
import { BY_HAND_PROJECT_PREFIXES, clientNames, exec, type Exec, freeContainerNames, must, ROOT } from '../vitest/compose-by-hand.js';
import { ComposeLogFollower, containerLines, isEvent, type SeenEvent, type SeenLine } from './compose-log-follower.js';

export const COURSE_BRANCHES = ['ej1', 'ej2', 'ej3', 'ej4', 'ej5', 'ej6', 'ej7', 'ej8'] as const;
export type CourseBranch = (typeof COURSE_BRANCHES)[number];
/** Exercises whose client is the echo loop. */
const ECHO_BRANCHES: readonly CourseBranch[] = ['ej1', 'ej2', 'ej3', 'ej4'];
export const COMPOSE_FILE = 'docker-compose-dev.yaml';
export const COURSE_IMAGES = ['server:latest', 'client:latest'] as const;
const LABEL = 'tp0.course';
const PREFIX = BY_HAND_PROJECT_PREFIXES[1] as string;
const MODE_LINE = /^CLIENT_MODE=\w+$/m;

export class CourseCheckout {
  readonly project: string;
  private followers: ComposeLogFollower[] = [];

  private constructor(
    readonly dir: string,
    readonly cli: ComposeCli,
  ) {
    this.project = dir.slice(dir.lastIndexOf('/') + 1);
  }

  /** Copies the project's files as they are now (tracked and new, not ignored), adds the course layout, makes the branches. */
  static async create(cli: ComposeCli): Promise<CourseCheckout> {
    const checkout = new CourseCheckout(join(tmpdir(), `${PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`), cli);
    try {
      await checkout.populate();
    } catch (err) {
      await rm(checkout.dir, { recursive: true, force: true });
      throw err;
    }
    return checkout;
  }

  private async populate(): Promise<void> {
    const listing = await must('git', ['-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    for (const file of listing.split('\0').filter((f) => f !== '' && !f.startsWith('course-layout/'))) {
      const from = join(ROOT, file);
      const info = await stat(from).catch(() => undefined);
      if (info === undefined || !info.isFile()) continue; // deleted in the working tree
      await mkdir(dirname(join(this.dir, file)), { recursive: true });
      await copyFile(from, join(this.dir, file));
      await chmod(join(this.dir, file), info.mode & 0o777);
    }
    for (const file of ['generar-compose.sh', 'validar-echo-server.sh', 'server/Dockerfile', 'client/Dockerfile', '.dockerignore']) {
      await mkdir(dirname(join(this.dir, file)), { recursive: true });
      await copyFile(join(ROOT, 'course-layout', file), join(this.dir, file));
      await chmod(join(this.dir, file), (await stat(join(ROOT, 'course-layout', file))).mode & 0o777);
    }
    // The generator runs with this project's dependencies (a student would run `npm ci`).
    await symlink(join(ROOT, 'node_modules'), join(this.dir, 'node_modules'));
    await this.git('init', '-q', '-b', 'main');
    await this.git('add', '-A');
    await this.git('commit', '-q', '-m', 'the project in the course layout');
    const script = join(this.dir, 'generar-compose.sh');
    for (const branch of COURSE_BRANCHES) {
      await this.git('checkout', '-q', '-b', branch, 'main');
      if (!ECHO_BRANCHES.includes(branch)) continue;
      const text = await readFile(script, 'utf8');
      if (!MODE_LINE.test(text)) throw new Error(`course-layout/generar-compose.sh has no CLIENT_MODE=… line to set for ${branch}`);
      await writeFile(script, text.replace(MODE_LINE, 'CLIENT_MODE=echo'));
      await this.git('commit', '-q', '-am', `${branch}: the echo-loop client`);
    }
    await this.git('checkout', '-q', 'main');
  }

  private git(...args: string[]): Promise<string> {
    return must('git', ['-c', 'user.name=tp0 course flow', '-c', 'user.email=course-flow@tp0.invalid', '-C', this.dir, ...args]);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /**
   * What the course does before each test: check out the exercise's branch (with nothing left
   * over from the last one: configs, .data), stop and prune (this checkout's resources only),
   * build server:latest and client:latest.
   */
  async exercise(branch: CourseBranch): Promise<void> {
    await this.down();
    await this.git('checkout', '-q', '-f', branch);
    await this.git('clean', '-q', '-fdx', '-e', 'node_modules');
    await this.prune();
    await this.refuseForeignImages();
    for (const role of ['server', 'client']) {
      await must('docker', ['build', '-q', '-f', `${role}/Dockerfile`, '-t', `${role}:latest`, '--label', `${LABEL}=${this.project}`, '.'], this.dir);
    }
  }

  /** The course's stop-and-prune, scoped to this checkout's compose project and image label. */
  async prune(): Promise<void> {
    const project = `label=com.docker.compose.project=${this.project}`;
    const running = (await must('docker', ['ps', '-q', '--filter', project])).split('\n').filter((l) => l !== '');
    if (running.length > 0) await must('docker', ['stop', '-t', '10', ...running]);
    await must('docker', ['container', 'prune', '-f', '--filter', project]);
    await must('docker', ['network', 'prune', '-f', '--filter', project]);
    await must('docker', ['image', 'prune', '-f', '--filter', `label=${LABEL}=${this.project}`]);
  }

  /** server:latest or client:latest of somebody else (not built by a course-flow run, or by one still running) stops the run. */
  private async refuseForeignImages(): Promise<void> {
    for (const image of COURSE_IMAGES) {
      const r = await exec('docker', ['image', 'inspect', '-f', `{{index .Config.Labels "${LABEL}"}}`, image]);
      if (r.code !== 0) continue; // no such image
      const owner = r.stdout.trim();
      if (owner === this.project) continue;
      const pid = owner.startsWith(PREFIX) ? Number(owner.slice(PREFIX.length).split('-')[0]) : NaN;
      if (Number.isNaN(pid)) {
        throw new Error(`an image ${image} exists that a course-flow run did not build; the course's flow builds and replaces ${COURSE_IMAGES.join(' and ')}: rename yours (docker tag ${image} <other>; docker rmi ${image}) and run again`);
      }
      if (pid !== process.pid && isProcessAlive(pid)) throw new Error(`${image} belongs to a course-flow run still in progress (pid ${pid}); wait for it to end`);
    }
  }

  /** `bash generar-compose.sh docker-compose-dev.yaml N` from the root, as the course runs it. */
  async generate(clients: number): Promise<Exec> {
    const r = await exec('bash', ['generar-compose.sh', COMPOSE_FILE, String(clients)], this.dir);
    if (r.code !== 0) throw new Error(`bash generar-compose.sh ${COMPOSE_FILE} ${clients} exited with ${r.code}:\n${r.stderr}${r.stdout}`);
    return r;
  }

  async write(file: string, text: string): Promise<void> {
    await mkdir(dirname(this.path(file)), { recursive: true });
    await writeFile(this.path(file), text);
  }

  /** `<compose> -f docker-compose-dev.yaml …args` from the root. */
  compose(...args: string[]): Promise<Exec> {
    return exec(this.cli.file, [...this.cli.prefix, '-f', COMPOSE_FILE, ...args], this.dir, 180_000);
  }

  /** `up -d` (the containers' names freed first), then `logs -f` read line by line. */
  async up(clients: number): Promise<ComposeLogFollower> {
    await freeContainerNames(['server', ...clientNames(clients)]);
    const up = await this.compose('up', '-d');
    if (up.code !== 0) throw new Error(`${this.cli.label} up -d exited with ${up.code}:\n${up.stderr}${up.stdout}`);
    const follower = ComposeLogFollower.start(this.cli, COMPOSE_FILE, this.dir);
    this.followers.push(follower);
    return follower;
  }

  /** The course's echo check: `bash validar-echo-server.sh` from the root. */
  validateEcho(): Promise<Exec> {
    return exec('bash', ['validar-echo-server.sh'], this.dir);
  }

  /**
   * `docker wait NAME`: the container's exit code once it exited. (Compose prints `NAME exited
   * with code N` only for a container that exits while `logs -f` follows it.)
   */
  async exitCode(name: string, timeoutMs = 60_000): Promise<number> {
    const r = await exec('docker', ['wait', name], this.dir, timeoutMs);
    if (r.code !== 0) throw new Error(`docker wait ${name} (${timeoutMs} ms): exit ${r.code}: ${r.stderr.trim()}`);
    return Number(r.stdout.trim());
  }

  /** Every line of the container so far (`docker logs NAME`, complete where `logs -f` may miss a stopping container's last lines). */
  async logOf(name: string): Promise<SeenLine[]> {
    const r = await exec('docker', ['logs', name], this.dir);
    if (r.code !== 0) throw new Error(`docker logs ${name}: exit ${r.code}: ${r.stderr.trim()}`);
    return containerLines(name, `${r.stdout}${r.stderr}`.split('\n'));
  }

  /** The container's course events with `action` (and `result`, when given). */
  async eventsOf(name: string, action: string, result?: string): Promise<SeenEvent[]> {
    return (await this.logOf(name)).filter((l): l is SeenEvent => isEvent(l, { action, result }));
  }

  /** `docker inspect -f FORMAT NAME`, trimmed. */
  async inspect(name: string, format: string): Promise<string> {
    return (await must('docker', ['inspect', '-f', format, name])).trim();
  }

  /** Stops following, then `down -v` when a compose file is there. */
  async down(): Promise<void> {
    for (const f of this.followers.splice(0)) await f.close();
    const file = await stat(this.path(COMPOSE_FILE)).catch(() => undefined);
    if (file === undefined) return;
    const down = await this.compose('down', '-v', '--remove-orphans', '-t', '10');
    if (down.code !== 0) throw new Error(`${this.cli.label} down failed: ${down.stderr}`);
  }

  /** Everything this checkout made: its containers, networks, images and the two tags, then the folder. */
  async remove(): Promise<void> {
    try {
      await this.down();
      await this.prune();
      for (const image of COURSE_IMAGES) {
        const owner = await exec('docker', ['image', 'inspect', '-f', `{{index .Config.Labels "${LABEL}"}}`, image]);
        if (owner.code === 0 && owner.stdout.trim() === this.project) await exec('docker', ['rmi', image]);
      }
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
