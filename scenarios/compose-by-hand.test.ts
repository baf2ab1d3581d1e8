/**
 * Running the system by hand (SPEC §2.1–2.3, §5): what a person does with the generated compose
 * file, under `docker compose` (v2) and under `docker-compose` 1.29 alike, checked the way the
 * harness checks its own runs. In a temporary folder: the default dataset in .data/,
 * `generar-compose.sh docker-compose.yaml N`, `up -d`, then the results seen from the host (exit
 * codes, .output/bets.csv, `docker logs`), the netcat probe with no arguments, and `stop`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateDataset } from '../testbed/dataset/dataset.js';
import { compareWithDataset } from '../harness/results/dataset-comparison.js';
import { parseBetsCsv } from '../harness/results/run-result.js';
import { COMPOSE_CLIS } from '../harness/compose/compose-cli.js';
import {
  ByHandFolder,
  clientNames,
  exec,
  failLines,
  freeContainerNames,
  inspect,
  logEvents,
  PROBE,
  PROBE_FAIL,
  PROBE_SUCCESS,
  ROOT,
  waitForExit,
  waitForListening,
} from '../harness/vitest/compose-by-hand.js';

describe.each(COMPOSE_CLIS)('running the system by hand: generar-compose.sh + $label', (cli) => {
  it('5 agencies from a folder outside the repo: every bet stored once, each agency gets its winners, the probe finds the server, SIGTERM closes everything', async (ctx) => {
    const clients = clientNames(5);
    await freeContainerNames(['server', ...clients]);
    const folder = await ByHandFolder.create(ctx, cli);
    const manifest = await generateDataset({ dir: folder.path('.data') });
    expect(manifest.totalBets).toBe(78_697);

    await folder.generate(5);
    // Written under /tmp, so the config files are mounted by their absolute path in the repo.
    const document = parse(await readFile(folder.composeFile, 'utf8')) as { services: Record<string, { volumes: string[] }> };
    expect(document.services.server?.volumes).toContain(`${join(ROOT, 'config/server.ini')}:/config/config.ini:ro`);
    expect(document.services.client1?.volumes).toContain(`${join(ROOT, 'config/client.yaml')}:/config/config.yaml:ro`);
    // The data folder, not one file per agency.
    expect(document.services.client1?.volumes).toContain('${TP0_DATA_DIR:-./.data}:/data:ro');

    const up = await folder.compose('up', '-d');
    expect(up.code, up.stderr).toBe(0);
    expect(await waitForExit(clients, 180_000)).toEqual({ client1: 0, client2: 0, client3: 0, client4: 0, client5: 0 });

    // .output/bets.csv on the host: `wc -l` gives every bet, each of the dataset's rows exactly once.
    const stored = await parseBetsCsv(await readFile(folder.path('.output', 'bets.csv'), 'utf8'));
    expect(stored.lines).toBe(manifest.totalBets);
    expect({ malformed: stored.malformed, tornTail: stored.tornTail }).toEqual({ malformed: [], tornTail: false });
    expect(await compareWithDataset(stored.rows, folder.path('.data'), manifest.agencies)).toEqual({ missing: 0, duplicated: 0, unknown: 0, examples: [] });

    // Each agency logged its own winners count, as the course's tests read it.
    for (const agency of manifest.agencies) {
      const events = await logEvents(`client${agency.agency}`);
      const answers = events.filter((e) => e.action === 'consulta_ganadores' && e.result === 'success');
      expect(answers.map((e) => e.details.cant_ganadores), `client${agency.agency}`).toEqual([String(agency.winners.length)]);
      // Its last line is client_finished: `exit` is the course's word for "a container exited".
      expect(events.filter((e) => e.action === 'exit' || e.action === 'client_finished').map((e) => e.action)).toEqual(['client_finished']);
    }
    const draws = (await logEvents('server')).filter((e) => e.action === 'sorteo');
    expect(draws.map((e) => [e.result, e.details.apuestas])).toEqual([['success', String(manifest.totalBets)]]);

    // After the draw the server keeps serving: the probe, with no arguments, finds it and its network.
    const echo = await exec(PROBE, []);
    expect({ code: echo.code, stdout: echo.stdout.trim() }, echo.stderr).toEqual({ code: 0, stdout: PROBE_SUCCESS });

    // compose stop: SIGTERM, then the server closes what it holds and exits 0 within the grace period.
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
    const folder = await ByHandFolder.create(ctx, cli);
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
