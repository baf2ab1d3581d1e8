import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { ContainerClient } from '../docker/docker-client.js';
import { LABEL_OWNER_PID } from '../run/run-identity.js';
import { fakeContainerClient, OWN_LABELS } from '../testing/fake-container-client.js';
import type { StartedLotteryRun } from '../run/started-lottery-run.js';
import { RunGuard, type SignalSource } from './run-guard.js';

const mine = OWN_LABELS;
const fakeDocker = fakeContainerClient;

function fakeRun() {
  const stop = vi.fn(async () => {});
  return { run: { stop } as unknown as StartedLotteryRun, stop };
}

function guard(docker: ContainerClient) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const logs: string[] = [];
  let exited: () => void = () => {};
  const done = new Promise<void>((r) => (exited = r));
  const g = new RunGuard({ docker, signals: signals as unknown as SignalSource, log: (l) => logs.push(l), exit: (c) => (exits.push(c), exited()), startWaitMs: 200 });
  return { g, signals, exits, logs, done };
}

describe('RunGuard', () => {
  it('on SIGINT stops the run, sweeps what this process owns, exits 130', async () => {
    const { docker, removed } = fakeDocker([{ id: 'left', labels: mine }, { id: 'other-pid', labels: { ...mine, [LABEL_OWNER_PID]: '1' } }]);
    const { g, signals, exits, done, logs } = guard(docker);
    const { run, stop } = fakeRun();
    await g.start(Promise.resolve(run));
    signals.emit('SIGINT');
    await done;
    expect(stop).toHaveBeenCalledOnce();
    expect(removed).toEqual(['left']);
    expect(exits).toEqual([130]);
    expect(g.interrupted).toBe(true);
    expect(logs[0]).toMatch(/SIGINT: removing/);
  });

  it('on SIGTERM during a start waits for it, then stops what started; exits 143', async () => {
    const { docker } = fakeDocker();
    const { g, signals, exits, done } = guard(docker);
    const { run, stop } = fakeRun();
    let started: (r: StartedLotteryRun) => void = () => {};
    const starting = g.start(new Promise<StartedLotteryRun>((r) => (started = r)));
    signals.emit('SIGTERM');
    setTimeout(() => started(run), 20);
    await done;
    expect(stop).toHaveBeenCalledOnce();
    expect(exits).toEqual([143]);
    // The command does not go on with a run that is being removed.
    expect(await Promise.race([starting.then(() => 'went on'), new Promise((r) => setTimeout(() => r('held'), 50))])).toBe('held');
  });

  it('a second signal exits at once', async () => {
    const { docker } = fakeDocker();
    const { g, signals, exits } = guard(docker);
    void g.start(new Promise<StartedLotteryRun>(() => {}));
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    expect(exits).toEqual([130]);
  });

  it('stops listening once disposed', () => {
    const { docker } = fakeDocker();
    const { g, signals } = guard(docker);
    expect(signals.listenerCount('SIGINT')).toBe(1);
    g.dispose();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
