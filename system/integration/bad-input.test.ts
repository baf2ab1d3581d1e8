/** Bad peers get a clear error and are closed; the server keeps serving everyone else. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, MAX_FRAME_SIZE, MessageCode } from '../protocol/constants.js';
import { batchOf } from '../protocol/bet-text.js';
import { encodeBatch, encodeEcho, encodeHello } from '../protocol/serializer.js';
import { RawPeer } from '../testing/raw-peer.js';
import { makeBet, startTestClient, writeAgencyFile } from '../testing/test-client.js';
import { linesOf, startTestServer, tempDir, type TestServer } from '../testing/test-server.js';
import { readStoredRows } from './stored-rows.js';

let dir: ReturnType<typeof tempDir>;
let ts: TestServer;
beforeEach(async () => {
  dir = tempDir();
  ts = await startTestServer(dir.path, { agencies: 1 });
});
afterEach(async () => {
  await ts.stop();
  dir.remove();
});

/** After the bad peer, an echo from a fresh connection still works. */
async function serverStillServes(): Promise<void> {
  const peer = await RawPeer.connect(ts.port);
  peer.write(encodeEcho({ data: Buffer.from('still there?') }));
  expect(await peer.next()).toEqual({ type: 'echo', data: Buffer.from('still there?') });
  peer.destroy();
}

describe('bad input', () => {
  it('garbage bytes with an unknown type: an UNKNOWN_MESSAGE error, then the connection is closed', async () => {
    const peer = await RawPeer.connect(ts.port);
    peer.write(Buffer.from([0x01, 0x00, 0x02, 0xff, 0xfe]));
    expect(await peer.next()).toMatchObject({ type: 'error', code: ErrorCode.UNKNOWN_MESSAGE });
    await peer.closed;
    expect(linesOf(ts.sink, 'protocol_error', 'fail')).toHaveLength(1);
    await serverStillServes();
  });

  it('an HTTP request (text garbage): an error naming the problem, then the connection is closed', async () => {
    const peer = await RawPeer.connect(ts.port);
    peer.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    // "G" then "ET" read as a length of 17748 bytes: refused as too large from the header alone.
    expect(await peer.next()).toMatchObject({ type: 'error', code: ErrorCode.FRAME_TOO_LARGE });
    await peer.closed;
    await serverStillServes();
  });

  it('an agency outside 1 … SERVER_AGENCIES is refused at hello (UNKNOWN_AGENCY): it can neither store bets nor count as done', async () => {
    const peer = await RawPeer.connect(ts.port);
    peer.write(encodeHello({ agency: 2 }));
    expect(await peer.next()).toMatchObject({ type: 'error', code: ErrorCode.UNKNOWN_AGENCY, message: 'agency 2 is not one of this lottery\'s agencies (1 … 1)' });
    await peer.closed;
    expect(readFileSync(ts.betsFile, 'utf8')).toBe('');
    await serverStillServes();
  });

  it('an oversized length is refused from the header alone, before any body is sent', async () => {
    const peer = await RawPeer.connect(ts.port);
    const header = Buffer.from([MessageCode.batch, 0, 0]);
    header.writeUInt16BE(MAX_FRAME_SIZE - 3 + 1, 1); // a 8193-byte frame
    peer.write(header);
    expect(await peer.next()).toMatchObject({ type: 'error', code: ErrorCode.FRAME_TOO_LARGE });
    await peer.closed;
    await serverStillServes();
  });

  it('half a frame then hang-up: logged as a truncated frame, nothing stored', async () => {
    const peer = await RawPeer.connect(ts.port);
    peer.write(encodeHello({ agency: 1 }));
    await peer.next();
    const frame = encodeBatch(batchOf(1, 0, [makeBet(1, 0), makeBet(1, 1)]));
    peer.write(frame.subarray(0, frame.length - 5));
    peer.socket.end();
    await peer.closed;
    await serverStillServes();
    expect(linesOf(ts.sink, 'protocol_error', 'fail').join('\n')).toMatch(/unfinished frame/);
    expect(readFileSync(ts.betsFile, 'utf8')).toBe('');
  });

  it('a batch with one invalid bet: none stored, INVALID_BET back, the connection goes on', async () => {
    const peer = await RawPeer.connect(ts.port);
    peer.write(encodeHello({ agency: 1 }));
    await peer.next();
    const bets = [makeBet(1, 0), { ...makeBet(1, 1), birthdate: '2023-02-29' }, makeBet(1, 2)];
    peer.write(encodeBatch(batchOf(1, 0, bets)));
    const result = await peer.next();
    expect(result).toMatchObject({ type: 'batch_result', code: ErrorCode.INVALID_BET, count: 3 });
    expect(result?.type === 'batch_result' && result.detail).toMatch(/2023-02-29/);
    expect(linesOf(ts.sink, 'apuesta_recibida', 'fail')[0]).toMatch(/cantidad: 3/);
    peer.write(encodeBatch(batchOf(1, 0, [makeBet(1, 0)])));
    expect(await peer.next()).toMatchObject({ type: 'batch_result', code: ErrorCode.OK, count: 1 });
    peer.destroy();
    expect(readStoredRows(ts.betsFile).map((r) => r.document)).toEqual([makeBet(1, 0).document]);
  });

  it('a batch for another agency than the connection speaks for is refused', async () => {
    const peer = await RawPeer.connect(ts.port);
    peer.write(encodeHello({ agency: 1 }));
    await peer.next();
    peer.write(encodeBatch(batchOf(2, 0, [makeBet(2, 0)])));
    expect(await peer.next()).toMatchObject({ type: 'batch_result', code: ErrorCode.AGENCY_MISMATCH });
    peer.destroy();
    expect(readFileSync(ts.betsFile, 'utf8')).toBe('');
  });

  it('200 idle connections do not hold back a real agency', async () => {
    const idle = await Promise.all(Array.from({ length: 200 }, () => RawPeer.connect(ts.port)));
    try {
      const file = join(dir.path, 'agency-1.csv');
      const winners = writeAgencyFile(file, 1, 2000);
      const outcome = await startTestClient(ts.port, 1, file).outcome;
      expect(outcome).toMatchObject({ kind: 'finished', bets: 2000, winners });
      expect(ts.server.connectionCount).toBeGreaterThanOrEqual(200);
    } finally {
      for (const p of idle) p.destroy();
    }
  });
});

describe('limits', () => {
  it('silent connections are closed after the idle timeout with IDLE_TIMEOUT', async () => {
    await ts.stop();
    ts = await startTestServer(dir.path, { agencies: 1, idleTimeoutMs: 300 });
    const peer = await RawPeer.connect(ts.port);
    const started = Date.now();
    expect(await peer.next(3000)).toMatchObject({ type: 'error', code: ErrorCode.IDLE_TIMEOUT });
    await peer.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('past the connection limit a newcomer gets TOO_MANY_CONNECTIONS', async () => {
    await ts.stop();
    ts = await startTestServer(dir.path, { agencies: 1, maxConnections: 3 });
    const held = await Promise.all([1, 2, 3].map(() => RawPeer.connect(ts.port)));
    const extra = await RawPeer.connect(ts.port);
    expect(await extra.next()).toMatchObject({ type: 'error', code: ErrorCode.TOO_MANY_CONNECTIONS });
    for (const p of held) p.destroy();
  });
});
