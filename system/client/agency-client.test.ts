/**
 * The lottery client's retries: which budget it spends (retry.*, not the echo loop's loop.*),
 * what counts as progress, and how it logs a condition it retries.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/constants.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeMessage } from '../protocol/message-decoder.js';
import type { Message } from '../protocol/messages.js';
import { encodeBatchResult, encodeStatus, encodeWinnersAnswer } from '../protocol/serializer.js';
import { storedRow } from '../server/lottery.js';
import { makeBet, startTestClient, type TestClientRun, writeAgencyFile } from '../testing/test-client.js';
import { eventually, startTestServer, tempDir, type TestServer } from '../testing/test-server.js';

let dir: ReturnType<typeof tempDir>;
const servers: TestServer[] = [];
const fakes: Server[] = [];
beforeEach(() => {
  dir = tempDir('tp0-agency-client-');
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const f of fakes.splice(0)) await new Promise((r) => f.close(r));
  dir.remove();
});

/** A loopback port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const attemptsLogged = (lines: readonly string[]) => lines.filter((l) => l.includes('action: connect | result: in_progress')).length;
const connections = (lines: readonly string[]) => lines.filter((l) => l.includes('action: connect | result: success')).length;

/**
 * Waits for the client's outcome, or fails the test once it has made `most` connections without
 * ending (a client that retries for ever would otherwise hold the test until its timeout).
 */
async function outcomeWithin(client: TestClientRun, most: number): Promise<{ ok: true; value: unknown } | { ok: false; error: Error }> {
  let settled: { ok: true; value: unknown } | { ok: false; error: Error } | undefined;
  void client.outcome.then(
    (value) => (settled = { ok: true, value }),
    (error: Error) => (settled = { ok: false, error }),
  );
  await eventually(() => settled !== undefined || connections(client.sink.lines) > most, 30_000, 'the client to end');
  if (settled === undefined) {
    client.abort();
    const last = client.sink.lines.filter((l) => l.includes('in_progress')).slice(-2);
    throw new Error(`the client was still retrying after ${connections(client.sink.lines)} connections; its last retries:\n${last.join('\n')}`);
  }
  return settled;
}

/** A scripted server on loopback: `answer` gets each connection's messages and replies on the socket. */
async function fakeServer(answer: (m: Message, socket: Socket, connection: number) => void): Promise<number> {
  let count = 0;
  const server = createServer((socket) => {
    const connection = ++count;
    const decoder = new FrameDecoder();
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) answer(decodeMessage(frame), socket, connection);
    });
  });
  fakes.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('AgencyClient retries', () => {
  it("spends retry.attempts waiting for a server that is slow to listen, whatever the echo loop's loop.amount says", async () => {
    const port = await freePort();
    const file = join(dir.path, 'agency-1.csv');
    const winners = writeAgencyFile(file, 1, 30);
    // The course writes loop.amount: 2 for its echo loop; the lottery must not give up after 2 attempts.
    const client = startTestClient(port, 1, file, { loopAmount: 2, loopPeriodMs: 20, retryAttempts: 30, retryPeriodMs: 20 });
    const settled = client.outcome.then(
      (o) => ({ ok: true as const, o }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    let early: { ok: boolean; e?: unknown } | undefined;
    void settled.then((s) => (early = s));
    await eventually(() => attemptsLogged(client.sink.lines) >= 3 || early !== undefined, 20_000, 'three connection attempts');
    expect(early, `the client ended after ${attemptsLogged(client.sink.lines)} attempts: ${String((early as { e?: unknown } | undefined)?.e)}`).toBeUndefined();
    servers.push(await startTestServer(dir.path, { port, agencies: 1 }));
    const outcome = await settled;
    expect(outcome.ok && outcome.o).toMatchObject({ kind: 'finished', bets: 30, winners });
  });

  it('a failed draw is final: the client ends with the server\'s reason after one connection, instead of reconnecting for ever', async () => {
    // A restarted server whose bets no longer match the draw its journal recorded: the draw fails at start-up.
    const bets = Array.from({ length: 12 }, (_, i) => makeBet(1, i));
    writeFileSync(join(dir.path, 'bets.csv'), bets.map((b) => storedRow(1, b)).join(''));
    writeFileSync(join(dir.path, 'bets.csv.done'), '1\ndraw 999 0\n');
    const server = await startTestServer(dir.path, { agencies: 1 });
    servers.push(server);
    const file = join(dir.path, 'agency-1.csv');
    writeAgencyFile(file, 1, 12);
    const client = startTestClient(server.port, 1, file, { retryAttempts: 1000, retryPeriodMs: 10 });
    const outcome = await outcomeWithin(client, 5);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.message).toMatch(/DRAW_FAILED: the draw failed: the stored bets \(12 bets, \d+ winners\) differ from the recorded draw \(999 bets, 0 winners\)/);
    expect(connections(client.sink.lines)).toBe(1);
  });

  it('an answer to hello is no progress: a server that answers it and then drops the connection makes the client give up after retry.attempts', async () => {
    const port = await fakeServer((m, socket) => {
      if (m.type === 'hello') socket.end(encodeStatus({ agency: m.agency, stored: 0, drawDone: false }));
    });
    const file = join(dir.path, 'agency-1.csv');
    writeAgencyFile(file, 1, 5);
    const client = startTestClient(port, 1, file, { retryAttempts: 4, retryPeriodMs: 10 });
    const outcome = await outcomeWithin(client, 20);
    expect(!outcome.ok && outcome.error.message).toMatch(/^gave up after 4 attempts: /);
    expect(connections(client.sink.lines)).toBe(4);
  });

  it('acknowledged batches are progress; a batch refused with a code it retries (SHUTTING_DOWN) is logged in_progress, never fail', async () => {
    const port = await fakeServer((m, socket, connection) => {
      if (m.type === 'hello') socket.write(encodeStatus({ agency: m.agency, stored: connection === 1 ? 0 : 5, drawDone: false }));
      // The first connection: 5 bets stored, then a shutting-down server refuses the next batch.
      if (m.type === 'batch' && connection === 1) {
        const code = m.firstIndex === 0 ? ErrorCode.OK : ErrorCode.SHUTTING_DOWN;
        socket.write(encodeBatchResult({ code, firstIndex: m.firstIndex, count: m.count, detail: code === ErrorCode.OK ? '' : 'the server is shutting down' }));
        if (code !== ErrorCode.OK) socket.end();
      }
      if (m.type === 'batch' && connection > 1) socket.write(encodeBatchResult({ code: ErrorCode.OK, firstIndex: m.firstIndex, count: m.count, detail: '' }));
      if (m.type === 'winners_query') for (const frame of encodeWinnersAnswer(m.agency, [])) socket.write(frame);
    });
    const file = join(dir.path, 'agency-1.csv');
    writeAgencyFile(file, 1, 10, 1000);
    const client = startTestClient(port, 1, file, { retryAttempts: 2, retryPeriodMs: 10, batchMaxAmount: 5, batchWindow: 1 });
    const outcome = await outcomeWithin(client, 5);
    expect(outcome).toMatchObject({ ok: true, value: { kind: 'finished', bets: 10 } });
    expect(client.sink.lines.filter((l) => l.includes('result: fail'))).toEqual([]);
    expect(client.sink.lines.filter((l) => l.includes('action: apuestas_enviadas | result: in_progress'))).toEqual([
      expect.stringContaining('| cantidad: 5 | code: SHUTTING_DOWN | detail: the server is shutting down'),
    ]);
  });
});
