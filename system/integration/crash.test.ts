/** Signals and crashes: graceful SIGTERM, SIGKILL and restart, a client killed and restarted. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChildRun, startServerProcess } from '../testing/child-process.js';
import { startTestClient, writeAgencyFile } from '../testing/test-client.js';
import { startTestServer, tempDir } from '../testing/test-server.js';
import { countByAgency, duplicates, readStoredRows } from './stored-rows.js';

let dir: ReturnType<typeof tempDir>;
const children: ChildRun[] = [];
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  dir.remove();
});

function serverEnv(agencies: number): Record<string, string> {
  return { SERVER_AGENCIES: String(agencies), SERVER_BETS_FILE: join(dir.path, 'out', 'bets.csv') };
}

const patient = { retryAttempts: 200, retryPeriodMs: 200, batchMaxAmount: 50, batchPeriodMs: 4 };

describe('SIGTERM to the server during batches', () => {
  it('exits 0, logs every close, stores only whole batches, and a restart completes the run exactly once', async () => {
    const first = await startServerProcess(serverEnv(1));
    children.push(first.run);
    const file = join(dir.path, 'agency-1.csv');
    const winners = writeAgencyFile(file, 1, 4000);
    const client = startTestClient(first.port, 1, file, patient);

    await first.run.waitFor(/action: apuesta_recibida \| result: success/, 10);
    first.run.kill('SIGTERM');
    const exit = await first.run.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    for (const resource of ['listener', 'connection', 'file']) {
      expect(first.run.count(new RegExp(`action: close \\| result: success \\| resource: ${resource}`))).toBeGreaterThan(0);
    }
    const afterStop = readStoredRows(join(dir.path, 'out', 'bets.csv'));
    expect(afterStop.length % 50).toBe(0);
    expect(afterStop.length).toBeGreaterThanOrEqual(500);
    expect(afterStop.length).toBeLessThan(4000);
    // Whole batches, in file order: the stored rows are exactly the file's first rows.
    afterStop.forEach((r, i) => expect(r.document).toBe(String(1_000_000 + i).padStart(9, '0')));

    const second = await startServerProcess({ ...serverEnv(1), SERVER_PORT: String(first.port) });
    children.push(second.run);
    const outcome = await client.outcome;
    expect(outcome).toMatchObject({ kind: 'finished', bets: 4000, winners });
    const rows = readStoredRows(join(dir.path, 'out', 'bets.csv'));
    expect(rows).toHaveLength(4000);
    expect(duplicates(rows)).toEqual([]);
    expect(client.sink.lines.filter((l) => l.includes('result: fail'))).toEqual([]);
    expect(client.sink.lines.some((l) => l.includes('action: reanudar | result: in_progress'))).toBe(true);
  });
});

describe('SIGKILL to the server mid-run', () => {
  it('after a restart both agencies finish with every bet stored exactly once and the right winners', async () => {
    const first = await startServerProcess(serverEnv(2));
    children.push(first.run);
    const files = [1, 2].map((a) => join(dir.path, `agency-${a}.csv`));
    const winners = [1, 2].map((a) => writeAgencyFile(files[a - 1] as string, a, 3000 + a * 111));
    const clients = [1, 2].map((a) => startTestClient(first.port, a, files[a - 1] as string, patient));

    await first.run.waitFor(/action: apuesta_recibida \| result: success/, 25);
    first.run.kill('SIGKILL');
    expect((await first.run.exited).signal).toBe('SIGKILL');

    const second = await startServerProcess({ ...serverEnv(2), SERVER_PORT: String(first.port) });
    children.push(second.run);
    const outcomes = await Promise.all(clients.map((c) => c.outcome));
    outcomes.forEach((o, i) => expect(o).toMatchObject({ kind: 'finished', bets: 3000 + (i + 1) * 111, winners: winners[i] }));
    const rows = readStoredRows(join(dir.path, 'out', 'bets.csv'));
    expect(duplicates(rows)).toEqual([]);
    expect(Object.fromEntries(countByAgency(rows))).toEqual({ 1: 3111, 2: 3222 });
    expect(second.run.count(/action: sorteo \| result: success/)).toBe(1);
  });
});

describe('a client killed and restarted', () => {
  it('the restarted client resumes where the server stands: every bet stored exactly once', async () => {
    const ts = await startTestServer(dir.path, { agencies: 1 });
    try {
      const file = join(dir.path, 'agency-1.csv');
      const winners = writeAgencyFile(file, 1, 5000);
      const env = {
        CLI_ID: '1',
        CLI_SERVER_ADDRESS: `127.0.0.1:${ts.port}`,
        CLI_DATA_FILE: file,
        CLI_BATCH_MAXAMOUNT: '50',
        CLI_BATCH_PERIOD: '5ms',
      };
      const first = ChildRun.start('client', env);
      children.push(first);
      await first.waitFor(/action: apuestas_enviadas \| result: success/, 8);
      first.kill('SIGKILL');
      await first.exited;
      const stored = readStoredRows(ts.betsFile).length;
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(5000);

      const second = ChildRun.start('client', { ...env, CLI_BATCH_PERIOD: '0s' });
      children.push(second);
      expect(await second.exited).toEqual({ code: 0, signal: null });
      expect(second.count(/action: reanudar \| result: in_progress/)).toBe(1);
      expect(second.count(new RegExp(`action: consulta_ganadores \\| result: success \\| cant_ganadores: ${winners.length}$`))).toBe(1);
      const rows = readStoredRows(ts.betsFile);
      expect(rows).toHaveLength(5000);
      expect(duplicates(rows)).toEqual([]);
    } finally {
      await ts.stop();
    }
  });

  it('SIGTERM to a client mid-run: it closes its connection and file, logs them, and exits 0', async () => {
    const ts = await startTestServer(dir.path, { agencies: 1 });
    try {
      const file = join(dir.path, 'agency-1.csv');
      writeAgencyFile(file, 1, 5000);
      const client = ChildRun.start('client', {
        CLI_ID: '1',
        CLI_SERVER_ADDRESS: `127.0.0.1:${ts.port}`,
        CLI_DATA_FILE: file,
        CLI_BATCH_MAXAMOUNT: '50',
        CLI_BATCH_PERIOD: '10ms',
      });
      children.push(client);
      await client.waitFor(/action: apuestas_enviadas \| result: success/, 5);
      client.kill('SIGTERM');
      expect(await client.exited).toEqual({ code: 0, signal: null });
      expect(client.count(/action: close \| result: success \| resource: connection/)).toBe(1);
      expect(client.count(/action: close \| result: success \| resource: file/)).toBe(1);
      expect(client.count(/action: shutdown \| result: success/)).toBe(1);
      expect(readStoredRows(ts.betsFile).length % 50).toBe(0);
    } finally {
      await ts.stop();
    }
  });
});

describe('a frozen server (SIGSTOP), as a pause or a partition looks to a client', () => {
  it('the client gives up on the silent connection after its answer timeout, reconnects once the server thaws, and finishes exactly once', async () => {
    const server = await startServerProcess(serverEnv(1));
    children.push(server.run);
    const file = join(dir.path, 'agency-1.csv');
    const winners = writeAgencyFile(file, 1, 3000);
    const client = startTestClient(server.port, 1, file, { ...patient, answerTimeoutMs: 400 });

    await server.run.waitFor(/action: apuesta_recibida \| result: success/, 10);
    server.run.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 1500));
    const stalled = client.sink.lines.filter((l) => l.includes('no progress from the server for 400 ms'));
    expect(stalled.length).toBeGreaterThan(0);
    server.run.kill('SIGCONT');

    expect(await client.outcome).toMatchObject({ kind: 'finished', bets: 3000, winners });
    const rows = readStoredRows(join(dir.path, 'out', 'bets.csv'));
    expect(rows).toHaveLength(3000);
    expect(duplicates(rows)).toEqual([]);
    expect(server.run.count(/action: sorteo \| result: success/)).toBe(1);
  });
});
