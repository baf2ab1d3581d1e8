import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.js';
import { TestOwner } from './testing-owner.js';

/** Ten owners, each scheduling three events at the same times: the order is the seed's. */
async function orderOf(seed: number): Promise<string> {
  const sim = new Simulation({ seed });
  const order: string[] = [];
  for (let o = 0; o < 10; o++) {
    const owner = new TestOwner(sim, `p${o}`);
    for (const t of [5, 5, 10]) sim.schedule(t, 'tick', () => order.push(`${o}@${t}`), { owner });
  }
  await sim.run();
  return order.join(' ');
}

describe('the kernel', () => {
  it('runs events by virtual time; ties in an order drawn from the seed, the same for the same seed', async () => {
    const a = await orderOf(1);
    expect(await orderOf(1)).toBe(a);
    const orders = new Set(await Promise.all([2, 3, 4, 5].map(orderOf)));
    expect(orders.size).toBeGreaterThan(1);
    // Whatever the seed, every 5 ms event comes before every 10 ms one.
    for (const order of [a, ...orders]) expect(order.split(' ').findIndex((e) => e.endsWith('@10'))).toBe(20);
  });

  it('keeps a FIFO group in schedule order at equal times', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const sim = new Simulation({ seed });
      const order: number[] = [];
      for (let i = 0; i < 20; i++) sim.schedule(7, 'timer', () => order.push(i), { fifo: 'p:timer:7' });
      await sim.run();
      expect(order).toEqual([...Array(20).keys()]);
    }
  });

  it('drains every microtask of an event before the next event runs', async () => {
    const sim = new Simulation({ seed: 9 });
    const seen: string[] = [];
    sim.schedule(1, 'a', () => {
      let p = Promise.resolve();
      for (let i = 0; i < 200; i++) p = p.then(() => undefined);
      void p.then(() => seen.push('a-chain-done'));
      process.nextTick(() => seen.push('a-tick'));
    });
    sim.schedule(1, 'b', () => seen.push('b'));
    sim.schedule(1, 'c', () => seen.push('c'));
    await sim.run();
    const a = seen.indexOf('a-chain-done');
    // a's whole chain sits between its neighbours, never split by b or c.
    expect(seen.indexOf('a-tick')).toBe(a - 1);
    expect(seen).toHaveLength(4);
  });

  it('holds a paused owner\'s events until it resumes, drops a dead owner\'s, and kills an owner whose event throws', async () => {
    const sim = new Simulation({ seed: 3 });
    const paused = new TestOwner(sim, 'paused');
    const dead = new TestOwner(sim, 'dead');
    const thrower = new TestOwner(sim, 'thrower');
    const ran: string[] = [];
    sim.schedule(10, 'x', () => ran.push(`paused@${sim.now}`), { owner: paused });
    sim.schedule(10, 'x', () => ran.push('dead'), { owner: dead });
    sim.schedule(5, 'x', () => {
      throw new Error('boom');
    }, { owner: thrower });
    sim.schedule(20, 'x', () => ran.push('thrower-again'), { owner: thrower });
    paused.state = 'paused';
    dead.state = 'dead';
    sim.schedule(50, 'resume', () => paused.resume());
    await sim.run();
    expect(ran).toEqual(['paused@50']);
    expect(thrower.failures).toHaveLength(1);
  });

  it('cancelling a held event reaches the event that replaced it at the resume', async () => {
    const sim = new Simulation({ seed: 3 });
    const owner = new TestOwner(sim, 'p');
    const ran: string[] = [];
    const event = sim.schedule(10, 'timer', () => ran.push('timer'), { owner });
    owner.state = 'paused';
    sim.schedule(20, 'resume', () => {
      owner.resume();
      sim.cancel(event);
    });
    await sim.run();
    expect(owner.held).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('an unhandled rejection kills the owner whose event it came from', async () => {
    const sim = new Simulation({ seed: 4 });
    const owner = new TestOwner(sim, 'p');
    sim.schedule(1, 'x', () => void Promise.reject(new Error('nobody catches this')), { owner });
    await sim.run();
    expect(owner.failures).toEqual([new Error('nobody catches this')]);
  });

  it('stops at the deadline, at `until`, at maxEvents, or when nothing is left', async () => {
    const sim = new Simulation({ seed: 5 });
    let n = 0;
    const again = () => {
      n++;
      sim.schedule(10, 'loop', again);
    };
    sim.schedule(0, 'loop', again);
    expect((await sim.run({ deadlineMs: 95 })).reason).toBe('deadline');
    expect(sim.now).toBe(95);
    expect(n).toBe(10);
    expect((await sim.run({ until: () => n >= 15 })).reason).toBe('until');
    expect((await sim.run({ maxEvents: 3 })).reason).toBe('max-events');
    const idle = new Simulation({ seed: 5 });
    idle.schedule(1, 'once', () => {});
    expect(await idle.run()).toMatchObject({ reason: 'quiescent', events: 1 });
  });

  it('the trace hash is the same for the same run and changes with any event', async () => {
    const run = async (extra: boolean) => {
      const sim = new Simulation({ seed: 6 });
      for (let i = 0; i < 50; i++) sim.schedule(i % 7, 'e', () => {}, { detail: `n=${i}` });
      if (extra) sim.schedule(3, 'e', () => {});
      return (await sim.run()).traceHash;
    };
    const h = await run(false);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(await run(false)).toBe(h);
    expect(await run(true)).not.toBe(h);
  });
});
