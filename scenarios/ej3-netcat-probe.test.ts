/**
 * Exercise 3: a netcat probe, from a container on the server's network, sends an echo message
 * to the real lottery server and prints `action: test_echo_server | result: success|fail`.
 * It must say `fail`, within a bounded time, against servers that answer wrongly or never.
 */
import { describe, expect, it } from 'vitest';
import { LotteryRun, MockServers, Probes, startScenarioRun } from '../harness/index.js';

const serverOnly = () => new LotteryRun().withClients(0).withDataset('none');

describe('ej3: the netcat echo probe', () => {
  it('reports success against the real lottery server', async (ctx) => {
    const run = await startScenarioRun(ctx, serverOnly());
    const probe = await run.probe(Probes.netcat());
    expect(probe.line).toBe('action: test_echo_server | result: success');
    expect(probe.exitCode).toBe(0);
    // The server logged the message it answered, as the course's skeleton server does.
    expect(probe.serverLine).toMatch(/ INFO action: receive_message \| result: success \| ip: \d+\.\d+\.\d+\.\d+ \| msg: tp0-echo-[0-9a-f]{16}$/);
    // The server saw an ordinary connection that closed cleanly: nothing failed.
    expect((await run.result()).failLines).toEqual([]);
  });

  it('reports fail against a server that answers with wrong bytes', async (ctx) => {
    const run = await startScenarioRun(ctx, serverOnly());
    const mock = await run.startMock(MockServers.wrongAnswer('mock-wrong'));
    const probe = await run.probe(Probes.netcat({ host: mock.service }));
    expect(probe.line).toBe('action: test_echo_server | result: fail');
    expect(probe.exitCode).not.toBe(0);
  });

  it('reports fail, within its timeout, against a server that accepts and never answers', async (ctx) => {
    const run = await startScenarioRun(ctx, serverOnly());
    const mock = await run.startMock(MockServers.silent('mock-silent'));
    const probe = await run.probe(Probes.netcat({ host: mock.service, timeoutSeconds: 3 }));
    expect(probe.line).toBe('action: test_echo_server | result: fail');
    // 3 s of waiting plus the probe container's own start and stop.
    expect(probe.durationMs).toBeGreaterThanOrEqual(3000);
    expect(probe.durationMs).toBeLessThan(10_000);
  });
});
