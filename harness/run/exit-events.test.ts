import { describe, expect, it } from 'vitest';
import type { ContainerClient } from '../docker/docker-client.js';
import { ExitEvents } from './exit-events.js';

/** A client whose engine announces exits when the test says so. */
function engine(): { docker: ContainerClient; die: (id: string, code: number) => void; stopped: () => boolean } {
  let onExit: (id: string, code: number) => void = () => {};
  let stopped = false;
  const docker = {
    watchExits: async (_labels: Record<string, string>, cb: (id: string, code: number) => void) => {
      onExit = cb;
      return () => void (stopped = true);
    },
  } as Partial<ContainerClient> as ContainerClient;
  return { docker, die: (id, code) => onExit(id, code), stopped: () => stopped };
}

describe('ExitEvents', () => {
  it('answers an exit announced before it was asked for, and one announced after', async () => {
    const e = engine();
    const exits = await ExitEvents.subscribe(e.docker, { run: 'x' });
    e.die('a', 0);
    await expect(exits.exit('a', 1)).resolves.toBe(0);
    const later = exits.exit('b', 1);
    e.die('b', 137);
    await expect(later).resolves.toBe(137);
  });

  it('counts the exits of each container apart: the second exit after a restart', async () => {
    const e = engine();
    const exits = await ExitEvents.subscribe(e.docker, {});
    const second = exits.exit('a', 2);
    let settled = false;
    void second.then(() => (settled = true));
    e.die('a', 143);
    e.die('b', 1);
    await Promise.resolve();
    expect(settled).toBe(false);
    e.die('a', 0);
    await expect(second).resolves.toBe(0);
    await expect(exits.exit('a', 1)).resolves.toBe(143);
  });

  it('ends the subscription on stop', async () => {
    const e = engine();
    const exits = await ExitEvents.subscribe(e.docker, {});
    exits.stop();
    expect(e.stopped()).toBe(true);
  });
});
