/**
 * shapeNetwork against a real engine (fails, never skips, without one): two busybox containers
 * (tp0-netcat-tester) on a fresh labelled network; each serves `nc -ll -p 5000 -e wc -c`, so a
 * sender learns how many bytes arrived once they all did. Traffic goes only between the two.
 */
import '../setup/testcontainers-env.js';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../docker/docker-client.js';
import { ensureImages, type ImageSet } from '../images/image-builder.js';
import { LABEL_RUN_ID, RunIdentity } from '../run/run-identity.js';
import { shapeNetwork, ShapingError } from './net-shaper.js';


const docker = createDockerClient();
const identity = RunIdentity.create();
const PORT = 5000;
const MIB = 1024 * 1024;
let images: ImageSet;
let a: StartedTestContainer;
let b: StartedTestContainer;
let ipA = '';
let ipB = '';
let helpers = 0;
let engineAnswered = false;

async function peer(service: string): Promise<StartedTestContainer> {
  return new GenericContainer(images.netcatTester.tag)
    .withName(identity.containerName(service))
    .withNetworkMode(identity.networkName)
    .withLabels(identity.labels(service))
    .withEntrypoint(['/bin/sh', '-c'])
    .withCommand([`exec nc -ll -p ${PORT} -e /bin/sh -c 'wc -c'`])
    .start();
}

async function sh(container: StartedTestContainer, script: string): Promise<string> {
  const result = await container.exec(['/bin/sh', '-c', script]);
  if (result.exitCode !== 0) throw new Error(`exit code ${result.exitCode} of: ${script}\n${result.output}`);
  return result.output.trim();
}

/** Share of 200 pings (every 10 ms) answered. */
async function pingRatio(from: StartedTestContainer, to: string): Promise<number> {
  const result = await from.exec(['/bin/sh', '-c', `ping -q -c 200 -i 0.01 -W 1 ${to}`]);
  const match = /(\d+) packets transmitted, (\d+) packets received/.exec(result.output);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`no ping statistics:\n${result.output}`);
  return Number(match[2]) / Number(match[1]);
}

/** Seconds to send 1 MiB with nc until the receiver has counted it all. */
async function transferSeconds(from: StartedTestContainer, to: string): Promise<number> {
  const started = performance.now();
  const received = await sh(from, `dd if=/dev/zero bs=1024 count=1024 2>/dev/null | nc ${to} ${PORT}`);
  const seconds = (performance.now() - started) / 1000;
  expect(received).toBe(String(MIB));
  return seconds;
}

/** iptables rules, qdiscs and links in the target's namespace. */
function rulesOf(target: StartedTestContainer): Promise<string> {
  return inNamespaceOf(target, '/usr/sbin/iptables -S && /usr/sbin/tc qdisc show && /usr/sbin/ip -o link show');
}

/** The output of a script run by a one-shot net-tools container in the target's namespace. */
async function inNamespaceOf(target: StartedTestContainer, script: string): Promise<string> {
  helpers += 1;
  const check = await new GenericContainer(images.netTools.tag)
    .withName(identity.containerName(`rules-${helpers}`))
    .withLabels(identity.labels(`rules-${helpers}`))
    .withNetworkMode(`container:${target.getId()}`)
    .withAddedCapabilities('NET_ADMIN')
    .withEntrypoint(['/bin/sh', '-c'])
    .withCommand([script])
    .withWaitStrategy(Wait.forOneShotStartup())
    .start();
  const lines: string[] = [];
  for await (const line of docker.followLogs(check.getId())) lines.push(line.text);
  await docker.removeContainer(check.getId());
  return lines.join('\n');
}

function shapeB(shaping: Parameters<typeof shapeNetwork>[1]): ReturnType<typeof shapeNetwork> {
  helpers += 1;
  const name = `b-${shaping.type}-${helpers}`;
  return shapeNetwork({ id: b.getId(), service: 'b' }, shaping, {
    image: images.netTools.tag,
    labels: identity.labels(name),
    name: identity.containerName(name),
    docker,
  });
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(1)} %`;

describe('shapeNetwork (Docker)', () => {
  beforeAll(async () => {
    await docker.ping();
    engineAnswered = true;
    images = await ensureImages({ pull: false, log: () => undefined });
    await docker.createNetwork(identity.networkName, identity.labels());
    [a, b] = await Promise.all([peer('a'), peer('b')]);
    ipA = a.getIpAddress(identity.networkName);
    ipB = b.getIpAddress(identity.networkName);
    // Both listeners answer before anything is measured.
    await sh(a, `for i in $(seq 50); do [ "$(echo | nc ${ipB} ${PORT})" = 1 ] && exit 0; sleep 0.1; done; exit 1`);
    await sh(b, `for i in $(seq 50); do [ "$(echo | nc ${ipA} ${PORT})" = 1 ] && exit 0; sleep 0.1; done; exit 1`);
  }, 120_000);

  afterAll(async () => {
    if (!engineAnswered) return; // beforeAll failed already, and says why
    const run = { [LABEL_RUN_ID]: identity.runId };
    for (const container of await docker.listContainers(run)) await docker.removeContainer(container.id);
    for (const network of await docker.listNetworks(run)) await docker.removeNetwork(network.id);
    expect(await docker.listContainers(run)).toEqual([]);
  }, 60_000);

  it('drops packets at random both ways, and stops after heal', async () => {
    const before = await pingRatio(a, ipB);
    const shaped = await shapeB({ type: 'loss', probability: 0.3 });
    expect(shaped.directions).toBe('both');
    const rules = await rulesOf(b);
    expect(rules).toContain('-A INPUT ! -i lo -m statistic --mode random --probability 0.2999');
    expect(rules).toContain('-A OUTPUT ! -o lo -m statistic --mode random --probability 0.2999');
    const during = await pingRatio(a, ipB);
    await shaped.heal();
    expect(await rulesOf(b)).not.toContain('statistic');
    const after = await pingRatio(a, ipB);
    console.log(`loss 0.3 on b: ping a→b answered ${pct(before)} before, ${pct(during)} shaped (expected 49 %), ${pct(after)} healed`);
    expect(before).toBeGreaterThanOrEqual(0.98);
    // 200 pings, each answered with 0.7² = 0.49: ±3.5 % is one standard deviation.
    expect(during).toBeGreaterThan(0.3);
    expect(during).toBeLessThan(0.7);
    expect(after).toBeGreaterThanOrEqual(0.98);
  }, 60_000);

  it('limits the bandwidth both ways to 1 mbit, and lifts it after heal', async () => {
    const before = { out: await transferSeconds(b, ipA), in: await transferSeconds(a, ipB) };
    const shaped = await shapeB({ type: 'bandwidth', rate: '1mbit' });
    const rules = await rulesOf(b);
    expect(rules).toMatch(/qdisc tbf \S+ dev eth0 root/);
    const during = { out: await transferSeconds(b, ipA), in: await transferSeconds(a, ipB) };
    await shaped.heal();
    const left = await rulesOf(b);
    expect(left).not.toContain('tbf');
    expect(left).not.toContain('tp0ifb');
    const after = { out: await transferSeconds(b, ipA), in: await transferSeconds(a, ipB) };
    const s = (value: number): string => `${value.toFixed(2)} s`;
    console.log(
      `bandwidth 1mbit on b (${shaped.directions}): 1 MiB b→a ${s(before.out)} before, ${s(during.out)} shaped, ${s(after.out)} healed; ` +
        `a→b ${s(before.in)} before, ${s(during.in)} shaped, ${s(after.in)} healed (8.4 s at exactly 1 mbit)`,
    );
    for (const value of [before.out, before.in, after.out, after.in]) expect(value).toBeLessThan(1);
    expect(during.out).toBeGreaterThanOrEqual(6);
    if (shaped.directions === 'both') expect(during.in).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('reports a heal that could not remove its rules (someone flushed them), and removes the helper', async () => {
    const shaped = await shapeB({ type: 'loss', probability: 0.1 });
    await inNamespaceOf(b, '/usr/sbin/iptables -F');
    await expect(shaped.heal()).rejects.toThrow(/exited with code 1 without "tp0-net-shaper: healed"[\s\S]*heal failed/);
    expect(await docker.inspectContainer(shaped.helperId)).toBeUndefined();
  });

  it('fails with a ShapingError, leaving no helper, when the target is not there', async () => {
    const name = identity.containerName('ghost');
    await expect(
      shapeNetwork({ id: 'tp0-no-such-container', service: 'ghost' }, { type: 'loss', probability: 0.1 }, { image: images.netTools.tag, labels: identity.labels('ghost'), name, docker }),
    ).rejects.toThrow(ShapingError);
    expect(await docker.inspectContainer(name)).toBeUndefined();
  });
});
