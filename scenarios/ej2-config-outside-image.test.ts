/**
 * Exercise 2: configuration lives outside the images. Changing a config file and running
 * again takes effect with the very same images; environment variables override the files.
 */
import { describe, expect, it } from 'vitest';
import { createDockerClient, Datasets, LotteryRun, projectImages, startScenarioRun } from '../harness/index.js';

const dataset = Datasets.generated({ sizes: [1000, 700] });

function batchSizes(run: Awaited<ReturnType<typeof startScenarioRun>>, agency: number): number[] {
  return run.timeline
    .select({ source: 'server', action: 'apuesta_recibida', result: 'success', where: (e) => e.event?.details.agencia === String(agency) })
    .map((e) => Number(e.event?.details.cantidad));
}

describe('ej2: config from mounted files, no rebuild', () => {
  it('a config changed between two runs takes effect while the image ids stay the same', async (ctx) => {
    const images = await projectImages();
    const docker = createDockerClient();

    const first = await startScenarioRun(ctx, new LotteryRun().withClients(2).withDataset(dataset).withClientConfig({ batch: { maxAmount: 100 } }), 'first');
    expect(await first.waitForClients()).toEqual({ client1: 0, client2: 0 });
    const firstServer = await first.server.inspect();
    const firstClientConfig = first.timeline.select({ source: 'client1', action: 'config' })[0]?.event?.details;
    expect(firstClientConfig).toMatchObject({ config_file: '/config/config.yaml', batch_max_amount: '100' });
    expect(first.timeline.select({ source: 'server', action: 'config' })[0]?.event?.details.LOGGING_LEVEL).toBe('INFO');
    expect(batchSizes(first, 1)).toEqual([...Array(10).fill(100)]);
    expect(first.timeline.select({ source: 'server', action: 'apuesta_almacenada' })).toHaveLength(0);
    await first.stop();

    // Second run: other file contents (batch size 37, DEBUG), and an environment override for client2.
    const second = await startScenarioRun(
      ctx,
      new LotteryRun()
        .withClients(2)
        .withDataset(dataset)
        .withClientConfig({ batch: { maxAmount: 37 } })
        .withServerConfig({ LOGGING_LEVEL: 'DEBUG' })
        .withClientEnv((id): Record<string, string> => (id === 2 ? { CLI_BATCH_MAXAMOUNT: '25' } : {})),
      'second',
    );
    expect(await second.waitForClients()).toEqual({ client1: 0, client2: 0 });
    const sizes1 = batchSizes(second, 1);
    expect(sizes1.slice(0, -1).every((n) => n === 37)).toBe(true);
    expect(sizes1.reduce((a, b) => a + b, 0)).toBe(1000);
    const sizes2 = batchSizes(second, 2);
    expect(sizes2.slice(0, -1).every((n) => n === 25)).toBe(true);
    expect(sizes2.reduce((a, b) => a + b, 0)).toBe(700);
    expect(second.timeline.select({ source: 'server', action: 'config' })[0]?.event?.details.LOGGING_LEVEL).toBe('DEBUG');
    expect(second.timeline.select({ source: 'server', action: 'apuesta_almacenada' })).toHaveLength(1700);

    // Same images: nothing was rebuilt for the config change.
    const secondServer = await second.server.inspect();
    expect(secondServer?.image).toBe(firstServer?.image);
    expect(secondServer?.image).toBe(images.server.id);
    expect((await docker.inspectImage('tp0-server:latest'))?.id).toBe(images.server.id);
    expect((await second.service('client1').inspect())?.image).toBe(images.client.id);
  });
});
