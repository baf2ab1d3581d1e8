import { describe, expect, it } from 'vitest';
import { Prng } from '../kernel/prng.js';
import { describeSchedule, drawSchedule, LONGEST_HOLD_MS, parseSchedule, ScheduleSyntaxError } from './schedule.js';

describe('fault schedules', () => {
  it('the text form reads back into the same schedule', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const plan = drawSchedule(new Prng(seed).derive('faults'), 6, 5);
      expect(parseSchedule(describeSchedule(plan))).toEqual(plan);
    }
    expect(parseSchedule('none')).toEqual([]);
  });

  it('draws every kind, targets within the run, in time order, every hold within the clients\' patience', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const plan = drawSchedule(new Prng(seed).derive('faults'), 4, 3);
      expect(plan.map((f) => f.atMs)).toEqual([...plan.map((f) => f.atMs)].sort((a, b) => a - b));
      for (const f of plan) {
        kinds.add(f.kind);
        expect(['server', 'client1', 'client2', 'client3']).toContain(f.target);
        expect(f.holdMs).toBeLessThanOrEqual(LONGEST_HOLD_MS);
      }
    }
    expect([...kinds].sort()).toEqual(['crash', 'disk', 'kill', 'partition', 'pause', 'reset', 'restart']);
  });

  it('refuses what it cannot read, naming the part', () => {
    expect(() => parseSchedule('crash server')).toThrow(ScheduleSyntaxError);
    expect(() => parseSchedule('explode server @1+2')).toThrow(/cannot read the fault "explode server @1\+2"/);
    expect(() => parseSchedule('partition client2 @1+2')).toThrow(/stall\|cut/);
    expect(() => parseSchedule('disk write EBUSY @1+2')).toThrow(/ENOSPC\|EIO\|short/);
    expect(() => parseSchedule('pause robot @1+2')).toThrow(/server or clientN/);
  });
});
