import { describe, expect, it } from 'vitest';
import { FaultError } from '../faults/faults.js';
import { Nemesis, NemesisError, SWARM_NEMESIS_KINDS } from '../faults/nemesis.js';
import { Timeline } from '../run/timeline.js';
import { SwarmFaults } from './node-faults.js';

describe('node partitions', () => {
  it('cut a node off until healed, recorded as a fault and its heal on the node', async () => {
    const timeline = new Timeline();
    const calls: string[] = [];
    const ctx = {
      timeline,
      resolve: () => [],
      shapeNetwork: () => Promise.reject(new Error('unused')),
      partitionNode: async (node: string) => {
        calls.push(`cut ${node}`);
        return { heal: async () => void calls.push(`heal ${node}`) };
      },
    };
    const outcome = await SwarmFaults.partitionNode('node3', 20).apply(ctx);
    expect(calls).toEqual(['cut node3', 'heal node3']);
    const [fault, heal] = [timeline.select({ kind: 'fault' }), timeline.select({ kind: 'heal' })];
    expect(fault.map((e) => e.targets)).toEqual([['node3']]);
    expect(heal.map((e) => e.faultId)).toEqual([outcome.faultId]);
  });

  it('need a swarm run', async () => {
    const ctx = { timeline: new Timeline(), resolve: () => [], shapeNetwork: () => Promise.reject(new Error('unused')) };
    await expect(SwarmFaults.partitionNode('node1', 10).apply(ctx)).rejects.toThrow(FaultError);
  });

  it('are in the nemesis schedule on a swarm, aimed at its nodes, replayable from the seed', () => {
    const options = { seed: 7, faults: 30, targets: ['server', 'client1'], nodes: ['node1', 'node2', 'node3'], kinds: SWARM_NEMESIS_KINDS };
    const plan = Nemesis.fromSeed(options).plan;
    const cuts = plan.filter((p) => p.kind === 'node-partition');
    expect(cuts.length).toBeGreaterThan(0);
    for (const p of cuts) expect(options.nodes).toContain(p.target);
    for (const p of plan.filter((q) => q.kind !== 'node-partition')) expect(options.targets).toContain(p.target);
    expect(Nemesis.fromSeed(options).describe()).toBe(Nemesis.fromSeed(options).describe());
    expect(() => Nemesis.fromSeed({ ...options, nodes: ['node1'] })).toThrow(NemesisError);
  });
});
