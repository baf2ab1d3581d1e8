import { describe, expect, it } from 'vitest';
import type { Timer } from '../../system/platform/clock.js';
import type { ProcessContext } from './sim-process.js';
import { SimWorld } from './sim-world.js';

describe('a simulated process', () => {
  it('exits on its own once nothing holds it, with its return value as exit code; an unref\'d timer does not hold it', async () => {
    const w = new SimWorld({ seed: 1 });
    const proc = w.start('p', async ({ platform }) => {
      await platform.clock.sleep(100);
      platform.clock.setTimeout(() => {}, 60_000).unref();
      return 3;
    });
    await w.run({ deadlineMs: 120_000 });
    expect(proc.exit).toMatchObject({ reason: 'natural', code: 3, atMs: 100 });
  });

  it('stays alive while a ref\'d timer, a socket or a listener holds it', async () => {
    const w = new SimWorld({ seed: 2 });
    const proc = w.start('p', async ({ platform }) => {
      await platform.network.listen({ host: '0.0.0.0', port: 1, backlog: 1, allowHalfOpen: true }, () => {});
    });
    await w.run({ deadlineMs: 10_000 });
    expect(proc.alive).toBe(true);
  });

  it('paused: its timers wait and fire after resume; the world goes on meanwhile', async () => {
    const w = new SimWorld({ seed: 3 });
    const fired: string[] = [];
    w.start('p', async ({ platform }) => {
      await platform.clock.sleep(100);
      fired.push(`p@${w.sim.now}`);
    });
    w.start('q', async ({ platform }) => {
      await platform.clock.sleep(150);
      fired.push(`q@${w.sim.now}`);
    });
    w.sim.at(50, 'fault', () => w.pause('p'));
    w.sim.at(300, 'fault', () => w.resume('p'));
    await w.run({ deadlineMs: 1_000 });
    expect(fired).toEqual(['q@150', 'p@300']);
  });

  it('paused: a timer cleared while it waits for the resume never fires, and lets go of the process', async () => {
    const w = new SimWorld({ seed: 7 });
    const fired: string[] = [];
    let timer: Timer | undefined;
    const proc = w.start('p', ({ platform }) => {
      timer = platform.clock.setTimeout(() => fired.push(`fired@${w.sim.now}`), 100);
      platform.clock.setTimeout(() => fired.push(`held on@${w.sim.now}`), 400);
    });
    w.sim.at(50, 'fault', () => w.pause('p'));
    w.sim.at(150, 'clear', () => proc.platform.clock.clearTimeout(timer));
    w.sim.at(200, 'fault', () => w.resume('p'));
    await w.run({ deadlineMs: 1_000 });
    expect(fired).toEqual(['held on@400']);
    expect(proc.exit).toMatchObject({ reason: 'natural', atMs: 400 });
  });

  it('crashed: its timers never fire and its memory is gone; a new incarnation starts from scratch', async () => {
    const w = new SimWorld({ seed: 4 });
    const fired: string[] = [];
    const program = (tag: string) => async ({ platform, incarnation }: ProcessContext) => {
      await platform.clock.sleep(100);
      fired.push(`${tag}${incarnation}@${w.sim.now}`);
    };
    const first = w.start('p', program('p'));
    w.sim.at(50, 'fault', () => w.crash('p'));
    w.sim.at(70, 'restart', () => w.start('p', program('p')));
    await w.run({ deadlineMs: 1_000 });
    expect(first.exit).toMatchObject({ reason: 'crashed', signal: 'SIGKILL', atMs: 50 });
    expect(fired).toEqual(['p2@170']);
  });

  it('SIGTERM runs the program\'s handler; without one the process dies of it', async () => {
    const w = new SimWorld({ seed: 5 });
    const log: string[] = [];
    const graceful = w.start('g', ({ onSignal, platform }) => {
      const timer = platform.clock.setTimeout(() => log.push('never'), 60_000);
      onSignal('SIGTERM', () => {
        log.push(`SIGTERM@${w.sim.now}`);
        platform.clock.clearTimeout(timer);
      });
    });
    const plain = w.start('h', ({ platform }) => void platform.clock.setTimeout(() => {}, 60_000));
    w.sim.at(10, 'fault', () => w.signal('g'));
    w.sim.at(10, 'fault', () => w.signal('h'));
    await w.run({ deadlineMs: 100_000 });
    expect(log).toEqual(['SIGTERM@10']);
    expect(graceful.exit).toMatchObject({ reason: 'natural', code: 0, atMs: 10 });
    expect(plain.exit).toMatchObject({ reason: 'signal', signal: 'SIGTERM' });
  });

  it('an uncaught throw or an unhandled rejection ends it with code 1; exit() at once with its code', async () => {
    const w = new SimWorld({ seed: 6 });
    const thrower = w.start('a', ({ platform }) => void platform.clock.setTimeout(() => {
      throw new Error('boom');
    }, 5));
    const rejecter = w.start('b', async ({ platform }) => {
      await platform.clock.sleep(5);
      throw new Error('rejected');
    });
    const quitter = w.start('c', ({ platform, exit }) => {
      platform.clock.setTimeout(() => exit(7), 5);
      platform.clock.setTimeout(() => {}, 10_000);
    });
    await w.run({ deadlineMs: 100_000 });
    expect(thrower.exit).toMatchObject({ reason: 'uncaught', code: 1 });
    expect(rejecter.exit).toMatchObject({ reason: 'uncaught', code: 1 });
    expect(quitter.exit).toMatchObject({ reason: 'exit', code: 7, atMs: 5 });
    expect(thrower.output).toEqual(['uncaught: Error: boom']);
  });
});

describe('a simulated process waits for what it was promised', () => {
  it('a listener being closed holds the process until its callback ran', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const w = new SimWorld({ seed });
      const log: string[] = [];
      const proc = w.start('p', async ({ platform }) => {
        const listener = await platform.network.listen({ host: '0.0.0.0', port: 1, backlog: 1, allowHalfOpen: true }, () => {});
        await listener.close();
        log.push('closed');
        await platform.disk.mkdir('/after');
        log.push('went on');
      });
      await w.run({ deadlineMs: 1_000 });
      expect(log).toEqual(['closed', 'went on']);
      expect(proc.exit?.reason).toBe('natural');
    }
  });

  it('a refused listen and an unknown host are heard before the process may end', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const w = new SimWorld({ seed });
      const log: string[] = [];
      w.start('p', async ({ platform }) => {
        const listen = () => platform.network.listen({ host: '0.0.0.0', port: 1, backlog: 1, allowHalfOpen: true }, () => {});
        const first = await listen();
        const second = listen().catch((e: NodeJS.ErrnoException) => log.push(e.code ?? '?'));
        await first.close();
        await second;
        await platform.network.connect('nowhere', 1).catch((e: NodeJS.ErrnoException) => log.push(e.code ?? '?'));
      });
      await w.run({ deadlineMs: 1_000 });
      expect(log).toEqual(['EADDRINUSE', 'ENOTFOUND']);
    }
  });
});
