/** The echo-loop client (mode `echo`, exercises 1–4) against a real server on loopback. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Logger, MemorySink } from '../log/logger.js';
import { ChildRun } from '../testing/child-process.js';
import { linesOf, startTestServer, tempDir, type TestServer } from '../testing/test-server.js';
import { nodePlatform } from '../platform/node-platform.js';
import { nodeConnect } from '../testing/test-client.js';
import { DEFAULT_CLIENT_CONFIG, type ClientConfig } from './config.js';
import { EchoLoop, echoMessage } from './echo-loop.js';

let dir: ReturnType<typeof tempDir>;
let ts: TestServer;
beforeEach(async () => {
  dir = tempDir();
  ts = await startTestServer(dir.path, { agencies: 2 });
});
afterEach(async () => {
  await ts.stop();
  dir.remove();
});

const connect = nodeConnect;
const configFor = (id: number, amount: number, periodMs: number): ClientConfig => ({
  ...DEFAULT_CLIENT_CONFIG,
  mode: 'echo',
  id,
  server: { host: '127.0.0.1', port: ts.port },
  loopAmount: amount,
  loopPeriodMs: periodMs,
});

describe('EchoLoop', () => {
  it('sends loop.amount messages, logs each echoed reply and loop_finished; the server logs each message with the peer ip', async () => {
    const sink = new MemorySink();
    const outcome = await new EchoLoop(configFor(4, 3, 20), connect, new Logger('INFO', sink), new AbortController().signal, nodePlatform).run();
    expect(outcome).toEqual({ kind: 'finished', messages: 3 });
    const received = linesOf(sink, 'receive_message', 'success').map((l) => l.slice(l.indexOf('action:')));
    expect(received).toEqual([1, 2, 3].map((k) => `action: receive_message | result: success | client_id: 4 | msg: [CLIENT 4] Message N°${k}`));
    expect(linesOf(sink, 'loop_finished').map((l) => l.slice(l.indexOf('action:')))).toEqual(['action: loop_finished | result: success | client_id: 4']);
    const server = linesOf(ts.sink, 'receive_message', 'success').map((l) => l.slice(l.indexOf('action:')));
    expect(server).toEqual([1, 2, 3].map((k) => `action: receive_message | result: success | ip: 127.0.0.1 | msg: ${echoMessage(4, k)}`));
  });

  it('one message every loop.period', async () => {
    const started = performance.now();
    await new EchoLoop(configFor(1, 4, 100), connect, new Logger('INFO', new MemorySink()), new AbortController().signal, nodePlatform).run();
    // Three pauses between four messages.
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('stops mid-loop when aborted (SIGTERM): no more messages, the connection closed', async () => {
    const sink = new MemorySink();
    const controller = new AbortController();
    const run = new EchoLoop(configFor(2, 1000, 50), connect, new Logger('INFO', sink), controller.signal, nodePlatform).run();
    while (linesOf(sink, 'receive_message').length < 2) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const outcome = await run;
    expect(outcome.kind).toBe('stopped');
    expect(outcome.messages).toBeLessThan(1000);
    expect(linesOf(sink, 'close', 'success')).toHaveLength(1);
    expect(linesOf(sink, 'loop_finished')).toEqual([]);
  });
});

describe('the client program in echo mode', () => {
  it('CLI_MODE=echo: SIGTERM mid-loop closes everything and exits 0, with no fail line', async () => {
    const child = ChildRun.start('client', { CLI_MODE: 'echo', CLI_ID: '7', CLI_SERVER_ADDRESS: `127.0.0.1:${ts.port}`, CLI_LOOP_AMOUNT: '1000', CLI_LOOP_PERIOD: '50ms' });
    await child.waitFor(/action: receive_message \| result: success \| client_id: 7 \| msg: \[CLIENT 7\] Message N°2$/);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.count(/result: fail/)).toBe(0);
    expect(child.count(/action: close \| result: success \| resource: connection/)).toBe(1);
    expect(child.count(/action: shutdown \| result: success \| client_id: 7/)).toBe(1);
    expect(child.count(/action: config \| result: success \| client_id: 7 \| server_address: 127\.0\.0\.1\\x3a\d+ \| loop_amount: 1000 \| loop_period: 50ms \| log_level: INFO \| mode: echo/)).toBe(1);
  });

  it('CLI_MODE=echo to the end: loop_finished, exit 0, and no `exit` action logged', async () => {
    const child = ChildRun.start('client', { CLI_MODE: 'echo', CLI_ID: '1', CLI_SERVER_ADDRESS: `127.0.0.1:${ts.port}`, CLI_LOOP_AMOUNT: '2', CLI_LOOP_PERIOD: '10ms' });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.count(/action: receive_message \| result: success/)).toBe(2);
    expect(child.count(/action: loop_finished \| result: success \| client_id: 1$/)).toBe(1);
    expect(child.count(/action: exit\b/)).toBe(0);
  });
});
