/**
 * Past one machine: the same system as a Docker Swarm stack on 3 Docker-in-Docker nodes that
 * the harness builds for the run (harness/swarm/), with the same checker. Agencies really run
 * on every node (each task was seen on that node's own engine), the run survives the server
 * task killed and replaced on its node and volume and a whole node cut off from the others, and
 * nothing of a run is left on this host once it is removed.
 */
import { describe, expect, it } from 'vitest';
import { createDockerClient, Datasets, Faults, LotteryRun, startScenarioRun, type StartedSwarmRun, SwarmFaults, Swarms } from '../harness/index.js';
import { LABEL_RUN_ID } from '../harness/run/run-identity.js';
import { expectCheckerGreen } from '../harness/vitest/expectations.js';

const NODES = ['node1', 'node2', 'node3'];

/** 12 agencies of 2,000 bets; 300 ms after each batch, so that sending lasts about 6 s. */
function twelveAgencies(): LotteryRun {
  return new LotteryRun().withClients(12).withDataset(Datasets.uniform(12, 2000)).withClientConfig({ batch: { period: '300ms' } });
}

async function expectEveryClientFinished(run: StartedSwarmRun): Promise<void> {
  const codes = await run.waitForClients();
  expect(Object.values(codes).filter((c) => c !== 0), JSON.stringify(codes)).toEqual([]);
  await run.server.stop(10);
}

/** Stops the run, then finds nothing of it on this host: no container, network, volume or folder. */
async function expectNothingLeft(run: StartedSwarmRun, volumesBefore: number): Promise<void> {
  const host = createDockerClient();
  await run.stop();
  expect(await host.listContainers({ [LABEL_RUN_ID]: run.id })).toEqual([]);
  expect(await host.listNetworks({ [LABEL_RUN_ID]: run.id })).toEqual([]);
  expect(await volumeCount()).toBe(volumesBefore);
}

async function volumeCount(): Promise<number> {
  const Dockerode = (await import('dockerode')).default;
  return ((await new Dockerode().listVolumes()).Volumes ?? []).length;
}

describe('the lottery as a swarm stack over 3 nodes', () => {
  it('12 agencies spread over every node: every bet stored once, one draw, each its winners', async (ctx) => {
    const volumes = await volumeCount();
    const run = await startScenarioRun(ctx, twelveAgencies().onSwarm(Swarms.local({ nodes: 3 })));
    const placement = run.placement();
    expect(placement.server).toBe('node1');
    expect(new Set(Object.values(placement.agencies)), JSON.stringify(placement)).toEqual(new Set(NODES));
    // Each agency's lines came from its task on that node.
    for (const client of run.clients) expect(client.tasks.map((t) => t.node.name)).toEqual([placement.agencies[client.service]]);
    await expectEveryClientFinished(run);
    await expectCheckerGreen(run, 'swarm, 12 agencies');
    await expectNothingLeft(run, volumes);
  });

  it('the server task killed mid-run, then node3 cut off for 5 s: replaced on its node and volume, still valid', async (ctx) => {
    const volumes = await volumeCount();
    const run = await startScenarioRun(ctx, twelveAgencies().onSwarm(Swarms.local({ nodes: 3 })));
    const onNode3 = run.clients.filter((c) => c.node === 'node3').map((c) => c.service);
    expect(onNode3.length).toBeGreaterThan(0);
    await run.waitFor({ source: 'server', action: 'apuesta_recibida', result: 'success' }, 20);
    const crash = await run.fire(Faults.crash('server', 500));
    expect(crash.exitCodes).toEqual({ server: 137 });
    expect(run.server.tasks.map((t) => t.node.name)).toEqual(['node1', 'node1']);
    // Every agency is connected to the replacement before node3 is cut off: a node cut off while it
    // has not yet learnt a new task's overlay address learns it only at the overlay's next
    // gossip sync, 30 to 40 s later (README, faults on a swarm).
    const killed = run.timeline.select({ kind: 'fault' })[0]?.seq ?? 0;
    await Promise.all(run.clients.map((c) => run.waitFor({ source: c.service, action: 'connect', result: 'success', where: (e) => e.seq > killed }, 1, 60_000)));
    await run.fire(SwarmFaults.partitionNode('node3', 5000));
    // Mid-run: node3 still had agencies sending (not yet done) when it was cut off.
    const cut = run.timeline.select({ kind: 'fault' })[1]?.at ?? 0;
    const sending = onNode3.filter((service) => run.timeline.select({ source: service, action: 'notificacion_enviada', where: (e) => e.at < cut }).length === 0);
    expect(sending.length, `agencies on node3 still sending when it was cut off (of ${onNode3.join(', ')})`).toBeGreaterThan(0);
    await expectEveryClientFinished(run);
    // The replacement found the bets stored before the kill in the same volume.
    const reopened = run.timeline.select({ source: 'server', action: 'abrir_almacenamiento', result: 'success' }).map((e) => Number(e.event?.details.bets));
    expect(reopened.length).toBe(2);
    expect(reopened[1]).toBeGreaterThan(0);
    await expectCheckerGreen(run, 'swarm, server killed, node3 partitioned');
    await expectNothingLeft(run, volumes);
  });
});
