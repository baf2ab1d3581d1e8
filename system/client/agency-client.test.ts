/**
 * The lottery client's retries: which budget it spends (retry.*, not the echo loop's loop.*),
 * what counts as progress, and how it logs a condition it retries.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestClient, writeAgencyFile } from '../testing/test-client.js';
import { eventually, startTestServer, tempDir, type TestServer } from '../testing/test-server.js';

let dir: ReturnType<typeof tempDir>;
const servers: TestServer[] = [];
beforeEach(() => {
  dir = tempDir('tp0-agency-client-');
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
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
});
