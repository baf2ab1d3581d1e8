/** The Clock contract (see contract.ts). */
import assert from 'node:assert/strict';
import type { ContractCase } from './contract.js';

export const clockContract: readonly ContractCase[] = [
  {
    name: 'timers fire by due time; timers of one delay keep the order they were set in',
    async run({ clock }) {
      const fired: string[] = [];
      await new Promise<void>((resolve) => {
        clock.setTimeout(() => fired.push('b30'), 30);
        clock.setTimeout(() => fired.push('a10'), 10);
        clock.setTimeout(() => fired.push('c10'), 10);
        clock.setTimeout(() => {
          fired.push('d60');
          resolve();
        }, 60);
      });
      assert.deepEqual(fired, ['a10', 'c10', 'b30', 'd60']);
    },
  },
  {
    name: 'clearTimeout cancels; clearing a fired timer or undefined does nothing',
    async run({ clock }) {
      let fired = 0;
      const t = clock.setTimeout(() => fired++, 5);
      clock.clearTimeout(t);
      const u = clock.setTimeout(() => fired++, 1);
      await clock.sleep(20);
      clock.clearTimeout(u);
      clock.clearTimeout(undefined);
      assert.equal(fired, 1);
    },
  },
  {
    name: 'sleep waits at least its time on now(); an abort ends it early; 0 and an aborted signal resolve at once',
    async run({ clock }) {
      const start = clock.now();
      await clock.sleep(25);
      assert.ok(clock.now() - start >= 24, `slept ${clock.now() - start} ms`);
      const controller = new AbortController();
      const early = clock.now();
      const sleeping = clock.sleep(60_000, controller.signal);
      clock.setTimeout(() => controller.abort(), 5);
      await sleeping;
      assert.ok(clock.now() - early < 1000);
      await clock.sleep(0);
      await clock.sleep(10, controller.signal);
    },
  },
  {
    name: 'a timer is ref\'d until unref(); now() is an integer count of ms since the epoch',
    async run({ clock }) {
      const t = clock.setTimeout(() => {}, 1);
      assert.equal(t.hasRef(), true);
      assert.equal(t.unref().hasRef(), false);
      assert.equal(t.ref().hasRef(), true);
      const now = clock.now();
      assert.ok(Number.isInteger(now) && now > Date.UTC(2020, 0, 1));
      await clock.sleep(5);
    },
  },
];
