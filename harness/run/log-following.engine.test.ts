/**
 * A run whose logs are followed only until each container's ready line (against a real engine:
 * fails, never skips, without one): while the clients run, the timeline lacks their lines that
 * the engine already holds; once every container has exited, it holds each container's whole
 * log, line for line, as the engine gives it.
 */
import '../setup/testcontainers-env.js';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { Datasets } from '../datasets/datasets.js';
import { LotteryRun } from './lottery-run.js';

const engine = new Docker();
/** A multiplexed log frame: 1 byte stream, 3 unused, 4 bytes big-endian length, then the bytes. */
const FRAME_HEADER = 8;

/** A container's log as the engine holds it now, one text a line (its own reading, not the harness's). */
async function engineLog(id: string): Promise<string[]> {
  const raw = (await engine.getContainer(id).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  let text = '';
  for (let at = 0; at + FRAME_HEADER <= raw.length; ) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.toString('utf8', at + FRAME_HEADER, at + FRAME_HEADER + size);
    at += FRAME_HEADER + size;
  }
  return text.split('\n').filter((line) => line !== '');
}

/** 40 batches a client, 100 ms apart: about 4 s of sending. */
const BETS = 2000;
const BATCH = 50;
const sent = (lines: readonly string[]): number => lines.filter((l) => l.includes('action: apuestas_enviadas | result: success')).length;

describe('logs followed until the ready line', () => {
  it('are not in the timeline while the clients run, and are whole once they exited', async () => {
    // A pause after each batch keeps the clients running for a while.
    const run = await new LotteryRun()
      .withClients(2)
      .withDataset(Datasets.uniform(2, BETS))
      .withClientConfig({ batch: { maxAmount: BATCH, period: '100ms' } })
      .withLogFollowing('until-ready')
      .start();
    try {
      const client = run.clients[0];
      if (!client) throw new Error('the run has no client');
      const deadline = Date.now() + 30_000;
      while (sent(await engineLog(client.id)) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(sent(await engineLog(client.id))).toBeGreaterThanOrEqual(2);
      expect(sent(run.timeline.select({ source: client.service, kind: 'log' }).map((e) => e.text))).toBe(0);
      expect(client.exitCode, 'the client is still running').toBeUndefined();

      expect(Object.values(await run.waitForClients(120_000))).toEqual([0, 0]);
      await run.server.stop(10);
      for (const handle of [run.server, ...run.clients]) {
        const inTimeline = run.timeline.select({ source: handle.service, kind: 'log' }).map((e) => e.text);
        expect(inTimeline, handle.service).toEqual(await engineLog(handle.id));
      }
      expect(sent(run.timeline.select({ source: client.service, kind: 'log' }).map((e) => e.text))).toBe(BETS / BATCH);
      const check = await run.check(await run.result());
      expect(check.valid).toBe(true);
    } finally {
      await run.stop();
    }
  }, 180_000);
});
