import { describe, expect, it } from 'vitest';
import type { DockerClient, LogLine } from '../docker/docker-client.js';
import { Timeline } from '../run/timeline.js';
import type { SwarmNode } from './swarm.js';
import { SwarmServiceHandle } from './task-handle.js';

const READY = /action: config \| result: success/;

/** A node whose containers print the ready line (unless `ready` is false), then exit when told to (exit(id, code)). */
function fakeNode(name: string, ready = true) {
  const exits = new Map<string, (code: number) => void>();
  const exited = new Map<string, Promise<number>>();
  const killed: string[] = [];
  const client = {
    async *followLogs(id: string): AsyncIterable<LogLine> {
      yield { time: new Date().toISOString(), text: ready ? `action: config | result: success | id: ${id}` : `action: config | result: fail | id: ${id}` };
      await exited.get(id);
    },
    waitContainer: (id: string) => exited.get(id) as Promise<number>,
    killContainer: async (id: string) => {
      killed.push(id);
      exits.get(id)?.(137);
    },
  } as Partial<DockerClient> as DockerClient;
  const node = { name, address: '10.0.0.1', client, api: {}, cliEnv: {} } as unknown as SwarmNode;
  return {
    node,
    killed,
    start(id: string): void {
      exited.set(id, new Promise((resolve) => exits.set(id, resolve)));
    },
    exit: (id: string, code: number) => exits.get(id)?.(code),
  };
}

function handle(role: 'server' | 'client', timeline = new Timeline(), laneOf = new Map<number, string>()) {
  const ctx = { manager: {} as SwarmNode, timeline, laneOf, isolate: () => Promise.reject(new Error('unused')) };
  return { h: new SwarmServiceHandle(role === 'server' ? 'server' : 'client1', `stack_${role}`, role, READY, ctx), timeline, laneOf };
}

describe('a swarm service handle', () => {
  it('waitReady fails as soon as the task exits without its ready line, not at the timeout', async () => {
    const n1 = fakeNode('node1', false);
    const { h } = handle('server');
    n1.start('a');
    h.adopt(n1.node, 'a');
    const waiting = h.waitReady(60_000);
    n1.exit('a', 1);
    await expect(waiting).rejects.toThrow('server@node1 exited with code 1 before its ready line');
  }, 5_000);

  it('follows each task into the timeline under the service name, each entry marked with its task lane', async () => {
    const n1 = fakeNode('node1');
    const n2 = fakeNode('node2');
    const { h, timeline, laneOf } = handle('server');
    n1.start('a');
    h.adopt(n1.node, 'a');
    await h.waitReady(1000);
    n1.exit('a', 137);
    n2.start('b');
    h.adopt(n2.node, 'b');
    h.adopt(n2.node, 'b'); // the same container again: ignored
    await new Promise((r) => setTimeout(r, 20));
    expect(h.tasks.map((t) => t.lane)).toEqual(['server@node1', 'server@node2#2']);
    expect(h.node).toBe('node2');
    const lines = timeline.select({ kind: 'log' });
    expect(lines.map((e) => e.source)).toEqual(['server', 'server']);
    expect(lines.map((e) => laneOf.get(e.seq))).toEqual(['server@node1', 'server@node2#2']);
    expect(timeline.select({ kind: 'exit' }).map((e) => [e.text, laneOf.get(e.seq)])).toEqual([['server exited with code 137', 'server@node1']]);
  });

  it('kills the current task through its node and reports its exit code', async () => {
    const n1 = fakeNode('node1');
    const { h } = handle('client');
    n1.start('a');
    h.adopt(n1.node, 'a');
    await h.kill('SIGKILL');
    expect(n1.killed).toEqual(['a']);
    expect(await h.waitForExit(1000)).toBe(137);
  });

  it("waits for a failed client's replacement and reports the replacement's exit", async () => {
    const n1 = fakeNode('node1');
    const { h } = handle('client');
    n1.start('a');
    h.adopt(n1.node, 'a');
    const exit = h.waitForExit(5000);
    n1.exit('a', 1);
    await new Promise((r) => setTimeout(r, 20));
    n1.start('b');
    h.adopt(n1.node, 'b');
    n1.exit('b', 0);
    expect(await exit).toBe(0);
    expect(h.exitCount).toBe(2);
  });

  it('reports a server exit as it is (swarm restarts the server whatever the code)', async () => {
    const n1 = fakeNode('node1');
    const { h } = handle('server');
    n1.start('a');
    h.adopt(n1.node, 'a');
    n1.exit('a', 1);
    expect(await h.waitForExit(1000)).toBe(1);
  });
});
