/**
 * The course's own acceptance flow, exercises 1–8, under `docker compose` v2 (SPEC §2, §4–§6).
 * A temporary git checkout of this project in the course's layout (branches ej1…ej8, ej1–ej4 with
 * CLIENT_MODE=echo; root generar-compose.sh and validar-echo-server.sh; server/ and client/
 * Dockerfiles FROM our images, built as server:latest and client:latest), driven as the course
 * drives a submission: per test, check out the branch, stop and prune (this checkout's resources
 * only), build, `bash generar-compose.sh docker-compose-dev.yaml N` BEFORE the configs and .data
 * are written, `docker compose up -d`, then `docker compose logs -f` read line by line with the
 * course grammar. Any `result: fail` before the test's own stop fails the test. A container's
 * own lines are also read whole with `docker logs` (compose may drop a stopping container's last
 * lines from `logs -f`).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSE_V1, COMPOSE_V2 } from '../harness/compose/compose-cli.js';
import type { ComposeLogFollower, SeenEvent } from '../harness/course/compose-log-follower.js';
import { type CourseBranch, CourseCheckout } from '../harness/course/course-checkout.js';
import { agencyFile, type AgencyFile, clientYaml, serverIni } from '../harness/course/course-files.js';
import { exec } from '../harness/vitest/compose-by-hand.js';

/** TP0_COURSE_COMPOSE=v1 runs the same flow under docker-compose 1.29. */
const cli = process.env.TP0_COURSE_COMPOSE === 'v1' ? COMPOSE_V1 : COMPOSE_V2;
const GRACE = '10';
let course: CourseCheckout;
beforeAll(async () => {
  course = await CourseCheckout.create(cli);
});
afterAll(async () => course?.remove());

const clients = (n: number) => Array.from({ length: n }, (_, i) => `client${i + 1}`);
const echoes = (id: number, amount: number) => Array.from({ length: amount }, (_, k) => `[CLIENT ${id}] Message N°${k + 1}`);
const details = (events: readonly SeenEvent[]) => events.map((e) => e.parsed.details);

/** Branch, prune, build, generate (configs not written yet: the generator only warns), then the files and `up -d`. */
async function start(branch: CourseBranch, n: number, files: { server: string; client: string; data?: readonly AgencyFile[] }): Promise<ComposeLogFollower> {
  await course.exercise(branch);
  const generated = await course.generate(n);
  expect(generated.stderr).toMatch(/warning: .*server\/config\.ini does not exist yet/);
  expect(generated.stderr).toMatch(/warning: .*client\/config\.yaml does not exist yet/);
  await course.write('server/config.ini', files.server);
  await course.write('client/config.yaml', files.client);
  for (const f of files.data ?? []) await course.write(`.data/agency-${f.agency}.csv`, f.text);
  return course.up(n);
}

/** The test's own stop, `docker compose stop -t N [services]` (then `fail` lines are allowed); the exit code of each of `containers`. */
async function stop(logs: ComposeLogFollower, containers: readonly string[], ...services: string[]): Promise<Record<string, number>> {
  logs.markStop();
  const r = await course.compose('stop', '-t', GRACE, ...services);
  expect(r.code, r.stderr).toBe(0);
  return Object.fromEntries(await Promise.all(containers.map(async (c) => [c, await course.exitCode(c, 30_000)] as const)));
}

/** `name` exits (by itself) with code 0; else the message shows how its log ends. */
async function expectExit0(name: string): Promise<void> {
  const code = await course.exitCode(name);
  const tail = code === 0 ? '' : (await course.logOf(name)).slice(-4).map((l) => `\n  ${l.text}`).join('');
  expect(code, `${name} exited with code ${code}; its log ends:${tail}`).toBe(0);
}

/** No `result: fail` before the test's stop: not in the stream the course reads, not in any container's whole log. */
async function expectNoFailBeforeStop(logs: ComposeLogFollower, containers: readonly string[]): Promise<void> {
  const fails = logs.failsBeforeStop().map((l) => l.text);
  for (const name of containers) fails.push(...logs.failsBeforeStop(await course.logOf(name)).map((l) => `${name} | ${l.text}`));
  expect(fails).toEqual([]);
}

/**
 * What the course saw of `name` exiting: compose's `exited with code` lines (one, or none for a
 * container that exited before `logs -f` followed it), and no `action: exit` line (reserved).
 */
async function expectSeenExitingOnceWith0(logs: ComposeLogFollower, name: string): Promise<void> {
  const reserved = (await course.logOf(name)).filter((l) => l.parsed?.kind === 'exit').map((l) => l.text);
  expect(reserved, `${name}: lines the course reads as "exited"`).toEqual([]);
  const seen = logs.exits(name).map((l) => `${l.parsed.via} ${l.parsed.code}`);
  expect(seen.length <= 1 && seen.every((s) => s === 'compose 0'), `${name} exits the course saw: ${JSON.stringify(seen)}`).toBe(true);
}

const echoFiles = (amount: number, period: string) => ({
  server: serverIni({ listenBacklog: 5, loggingLevel: 'INFO' }),
  client: clientYaml({ loopAmount: amount, loopPeriod: period, logLevel: 'INFO' }),
});

describe(`the course's flow under ${cli.label}`, () => {
  it('ej1: N echo clients each get every one of their messages back and exit 0, while the server keeps running', async () => {
    const logs = await start('ej1', 3, echoFiles(4, '100ms'));
    for (const id of [1, 2, 3]) {
      const name = `client${id}`;
      await expectExit0(name);
      expect((await course.eventsOf(name, 'receive_message', 'success')).map((e) => e.parsed.details.msg), name).toEqual(echoes(id, 4));
      expect(details(await course.eventsOf(name, 'loop_finished', 'success'))).toEqual([{ client_id: String(id) }]);
      await expectSeenExitingOnceWith0(logs, name);
    }
    // The server answered (and logged) every message, and is still up.
    const answered = await course.eventsOf('server', 'receive_message', 'success');
    expect(answered.map((e) => e.parsed.details.msg).sort()).toEqual([1, 2, 3].flatMap((id) => echoes(id, 4)).sort());
    expect(answered.every((e) => /^\d+\.\d+\.\d+\.\d+$/.test(e.parsed.details.ip ?? ''))).toBe(true);
    expect(logs.exits('server')).toEqual([]);
    expect(await course.inspect('server', '{{.State.Running}}')).toBe('true');
    await expectNoFailBeforeStop(logs, ['server', ...clients(3)]);
  });

  describe('ej2: config outside the images', () => {
    it('changed config values show up in the config lines, as written, with no rebuild; INI read like configparser', async () => {
      const first = await start('ej2', 1, { server: serverIni({ listenBacklog: 5, loggingLevel: 'INFO' }), client: clientYaml({ loopAmount: 2, loopPeriod: '50ms', logLevel: 'INFO' }) });
      const [server1] = await first.waitForEvents({ source: 'server', action: 'config', result: 'success' });
      const [client1] = await first.waitForEvents({ source: 'client1', action: 'config', result: 'success' });
      expect(server1?.parsed.details).toMatchObject({ port: '12345', listen_backlog: '5', logging_level: 'INFO' });
      expect(client1?.parsed.details).toMatchObject({ client_id: '1', server_address: 'server\\x3a12345', loop_amount: '2', loop_period: '50ms', log_level: 'INFO' });
      await expectExit0('client1');
      const imageBefore = await course.inspect('server', '{{.Image}}');
      await expectNoFailBeforeStop(first, ['server', 'client1']);
      await course.down();

      // Other values, in configparser's freedoms: lower-case keys, ":" for "=", ";" and "#" comments, one key no setting knows.
      await course.write('server/config.ini', '# written by Python\n[DEFAULT]\nserver_port = 12345\nServer_IP: server\n; the backlog\nserver_listen_backlog: 8\nlogging_level = DEBUG\nSERVER_COLOUR = blue\n');
      await course.write('client/config.yaml', clientYaml({ loopAmount: 3, loopPeriod: '100ms', logLevel: 'DEBUG' }));
      const second = await course.up(1);
      const [server2] = await second.waitForEvents({ source: 'server', action: 'config', result: 'success' });
      const [client2] = await second.waitForEvents({ source: 'client1', action: 'config', result: 'success' });
      expect(server2?.parsed.details).toMatchObject({ port: '12345', listen_backlog: '8', logging_level: 'DEBUG' });
      expect(client2?.parsed.details).toMatchObject({ client_id: '1', loop_amount: '3', loop_period: '100ms', log_level: 'DEBUG' });
      await expectExit0('client1');
      expect(await course.eventsOf('client1', 'receive_message', 'success')).toHaveLength(3);
      expect(details(await course.eventsOf('server', 'config_key_ignored'))).toEqual([expect.objectContaining({ key: 'SERVER_COLOUR' })]);
      // No rebuild: the very image the first run used, still server:latest.
      expect(await course.inspect('server', '{{.Image}}')).toBe(imageBefore);
      expect(await course.inspect('server:latest', '{{.Id}}')).toBe(imageBefore);
      await expectNoFailBeforeStop(second, ['server', 'client1']);
    });

    it('a config file still missing at `up`: the process says which host file was missing, by name, and exits 2', async () => {
      await course.exercise('ej2');
      await course.generate(1);
      await course.write('server/config.ini', serverIni({ listenBacklog: 5, loggingLevel: 'INFO' }));
      await course.up(1);
      expect(await course.exitCode('client1')).toBe(2);
      const [failure] = await course.eventsOf('client1', 'config', 'fail');
      expect(failure?.parsed.details.error_type).toBe('MountedDirectoryError');
      expect(failure?.parsed.details.error).toContain('the host file ./client/config.yaml did not exist when the container started');
      // Docker made a directory of it; once removed and written, the same compose file works.
      await course.down();
      await rm(course.path('client/config.yaml'), { recursive: true });
      await course.write('client/config.yaml', clientYaml({ loopAmount: 1, loopPeriod: '10ms', logLevel: 'INFO' }));
      const again = await course.up(1);
      await expectExit0('client1');
      await expectNoFailBeforeStop(again, ['server', 'client1']);
    });
  });

  it('ej3: validar-echo-server.sh says success, and the server logs the receive_message of the probe', async () => {
    const logs = await start('ej3', 0, echoFiles(1, '10ms'));
    await logs.waitForEvents({ source: 'server', action: 'servidor_escuchando', result: 'success' });
    const probe = await course.validateEcho();
    expect({ code: probe.code, stdout: probe.stdout.trim() }, probe.stderr).toEqual({ code: 0, stdout: 'action: test_echo_server | result: success' });
    const [seen] = await logs.waitForEvents({ source: 'server', action: 'receive_message', result: 'success', where: (e) => /^tp0-echo-[0-9a-f]{16}$/.test(e.details.msg ?? '') }, 1, 10_000);
    expect(seen?.parsed.details.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await expectNoFailBeforeStop(logs, ['server']);
  });

  describe('ej4: SIGTERM', () => {
    const looping = () => echoFiles(1000, '100ms');
    /** Every client is mid-loop (a process that has not installed its handler yet would ignore SIGTERM as PID 1). */
    const midLoop = (logs: ComposeLogFollower, n: number) =>
      Promise.all(clients(n).map((name) => logs.waitForEvents({ source: name, action: 'receive_message', result: 'success' }, 2)));
    const shutdowns = async (name: string) => (await course.eventsOf(name, 'shutdown', 'success')).length;

    it('to a client mid-loop (docker stop <container> -t N): it exits 0; the other goes on', async () => {
      const logs = await start('ej4', 2, looping());
      await midLoop(logs, 2);
      logs.markStop();
      const stopped = await exec('docker', ['stop', 'client1', '-t', GRACE]);
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(await course.exitCode('client1', 30_000)).toBe(0);
      expect((await logs.waitForExitLine('client1')).parsed.code).toBe(0);
      expect(await shutdowns('client1')).toBe(1);
      const before = logs.events({ source: 'client2', action: 'receive_message' }).length;
      await logs.waitForEvents({ source: 'client2', action: 'receive_message', result: 'success' }, before + 2);
      await expectNoFailBeforeStop(logs, ['server', ...clients(2)]);
    });

    it('to the server while clients loop: it exits 0; the clients, left retrying, then exit 0 on theirs within the grace period', async () => {
      const logs = await start('ej4', 2, looping());
      await midLoop(logs, 2);
      expect(await stop(logs, ['server'], 'server')).toEqual({ server: 0 });
      expect(await shutdowns('server')).toBe(1);
      await Promise.all(clients(2).map((name) => logs.waitForEvents({ source: name, action: 'reconnect', result: 'in_progress' })));
      const started = Date.now();
      expect(await stop(logs, clients(2), ...clients(2))).toEqual({ client1: 0, client2: 0 });
      expect(Date.now() - started).toBeLessThan(Number(GRACE) * 1000);
      await expectNoFailBeforeStop(logs, ['server', ...clients(2)]);
    });

    it('to the server alone: it exits 0', async () => {
      const logs = await start('ej4', 0, looping());
      await logs.waitForEvents({ source: 'server', action: 'servidor_escuchando', result: 'success' });
      expect(await stop(logs, ['server'])).toEqual({ server: 0 });
      expect(await shutdowns('server')).toBe(1);
      await expectNoFailBeforeStop(logs, ['server']);
    });

    it('to all (docker compose stop -t N): every container exits 0', async () => {
      const logs = await start('ej4', 3, looping());
      await midLoop(logs, 3);
      expect(await stop(logs, ['server', ...clients(3)])).toEqual({ server: 0, client1: 0, client2: 0, client3: 0 });
      for (const name of ['server', ...clients(3)]) expect(await shutdowns(name), name).toBe(1);
      await expectNoFailBeforeStop(logs, ['server', ...clients(3)]);
    });
  });

  const lottery = (level: string, maxAmount = 10) => ({
    server: serverIni({ listenBacklog: 5, loggingLevel: level }),
    client: clientYaml({ loopAmount: 10, loopPeriod: '1s', logLevel: level, batchMaxAmount: maxAmount }),
  });

  /** Starts the lottery and waits for every client to exit 0 (each notified, so the draw ran). */
  async function lotteryRun(branch: CourseBranch, n: number, files: ReturnType<typeof lottery> & { data?: readonly AgencyFile[] }): Promise<ComposeLogFollower> {
    const logs = await start(branch, n, files);
    for (const name of clients(n)) await expectExit0(name);
    for (const name of clients(n)) await expectSeenExitingOnceWith0(logs, name);
    return logs;
  }

  it('ej5: each client sends the sample bet of the compose file (no agency file): apuesta_enviada and apuesta_almacenada carry the same dni', async () => {
    const logs = await lotteryRun('ej5', 2, lottery('DEBUG'));
    for (const name of clients(2)) {
      expect(details(await course.eventsOf(name, 'apuesta_enviada', 'success')), name).toEqual([{ dni: '30904465', numero: '7574' }]);
    }
    const stored = await course.eventsOf('server', 'apuesta_almacenada', 'success');
    expect(details(stored)).toEqual([{ dni: '30904465', numero: '7574' }, { dni: '30904465', numero: '7574' }]);
    expect(await stop(logs, ['server'])).toEqual({ server: 0 });
    await expectNoFailBeforeStop(logs, ['server', ...clients(2)]);
  });

  it('ej6: the cantidad of the batches adds up to each file, and every batch but the last holds exactly maxAmount', async () => {
    // maxAmount 10: a file smaller than it, two it does not divide, one it divides, a single bet.
    const files = [7, 25, 40, 1, 13].map((bets, i) => agencyFile(i + 1, bets, 0));
    const logs = await lotteryRun('ej6', files.length, { ...lottery('INFO', 10), data: files });
    const received = await course.eventsOf('server', 'apuesta_recibida', 'success');
    for (const f of files) {
      const amounts = received.filter((e) => e.parsed.details.agencia === String(f.agency)).map((e) => Number(e.parsed.details.cantidad));
      expect(amounts.reduce((a, b) => a + b, 0), `agency ${f.agency}: ${amounts.join(',')}`).toBe(f.bets);
      expect(amounts.slice(0, -1).every((n) => n === 10), `agency ${f.agency}: ${amounts.join(',')}`).toBe(true);
    }
    await expectNoFailBeforeStop(logs, ['server', ...clients(files.length)]);
  });

  describe.each([
    { branch: 'ej7' as const, sizes: [12, 20, 9], winners: [0, 2, 5], maxAmount: 5 },
    { branch: 'ej8' as const, sizes: [30, 5, 18, 11, 24], winners: [3, 0, 1, 0, 6], maxAmount: 4 },
  ])('$branch: the draw', ({ branch, sizes, winners, maxAmount }) => {
    it(`${sizes.length} agencies with ${winners.join('/')} winners: each client counts its own; no batch after the sorteo, which sees every bet; no winners and no client exit before it`, async () => {
      const files = sizes.map((bets, i) => agencyFile(i + 1, bets, winners[i] as number));
      const logs = await lotteryRun(branch, files.length, { ...lottery('INFO', maxAmount), data: files });
      const server = await course.logOf('server');
      const [sorteo, ...more] = server.filter((l): l is SeenEvent => l.parsed?.kind === 'event' && l.parsed.action === 'sorteo');
      expect(more).toEqual([]);
      expect(sorteo?.parsed).toMatchObject({ result: 'success', details: { apuestas: String(sizes.reduce((a, b) => a + b, 0)) } });
      const drawAt = sorteo?.at ?? Infinity;
      const batchesAfter = server.filter((l) => l.parsed?.kind === 'event' && l.parsed.action === 'apuesta_recibida' && l.at > drawAt);
      expect(batchesAfter.map((l) => l.text)).toEqual([]);
      for (const f of files) {
        const name = `client${f.agency}`;
        const answers = await course.eventsOf(name, 'consulta_ganadores', 'success');
        expect(answers.map((e) => e.parsed.details.cant_ganadores), name).toEqual([String(f.winners.length)]);
        const winnerLines = (await course.logOf(name)).filter((l) => l.parsed?.kind === 'event' && (l.parsed.action === 'consulta_ganadores' || l.parsed.action === 'ganadores'));
        const early = [...winnerLines, ...logs.exits(name)].filter((l) => l.at < drawAt);
        expect(early.map((l) => l.text), `${name} before the sorteo`).toEqual([]);
      }
      await expectNoFailBeforeStop(logs, ['server', ...clients(files.length)]);
    });
  });
});
