import { describe, expect, it, vi } from 'vitest';
import { LABEL_OWNER_HOST } from '../run/run-identity.js';
import { fakeContainerClient, OWN_LABELS } from '../testing/fake-container-client.js';
import { RunEnvironmentError } from './cli-errors.js';
import { ensureEngine, removeOwnResources } from './environment.js';

const mine = OWN_LABELS;
const fakeDocker = fakeContainerClient;

describe('removeOwnResources', () => {
  it('removes only containers and networks of this process on this host', async () => {
    const { docker, removed } = fakeDocker(
      [{ id: 'c1', labels: mine }, { id: 'c2', labels: { ...mine, [LABEL_OWNER_HOST]: 'elsewhere' } }],
      [{ id: 'n1', name: 'n1', labels: mine }],
    );
    expect(await removeOwnResources(docker)).toEqual({ containers: 1, networks: 1 });
    expect(removed).toEqual(['c1', 'n1']);
  });
});

describe('ensureEngine', () => {
  it('does nothing when the engine answers', async () => {
    const startEngine = vi.fn(async () => 0);
    expect(await ensureEngine({ ping: async () => {} }, { startEngine })).toEqual({ started: false });
    expect(startEngine).not.toHaveBeenCalled();
  });

  it('starts the engine when it does not answer, then asks again', async () => {
    let up = false;
    const lines: string[] = [];
    const ping = async () => {
      if (!up) throw new Error('connect ENOENT /var/run/docker.sock');
    };
    const startEngine = vi.fn(async () => ((up = true), 0));
    expect(await ensureEngine({ ping }, { startEngine, log: (l) => lines.push(l) })).toEqual({ started: true });
    expect(lines[0]).toMatch(/no Docker engine answers \(connect ENOENT.*running bash scripts\/docker-engine.sh up/);
  });

  it('gives a RunEnvironmentError with the cause when still nothing answers', async () => {
    const cause = new Error('still down');
    const error = await ensureEngine({ ping: async () => Promise.reject(cause) }, { startEngine: async () => 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunEnvironmentError);
    expect((error as Error).message).toMatch(/even after scripts\/docker-engine.sh up \(exit code 1\)/);
    expect((error as Error).cause).toBe(cause);
  });

  it('gives a RunEnvironmentError when the script cannot run', async () => {
    const error = await ensureEngine({ ping: async () => Promise.reject(new Error('down')) }, { startEngine: async () => Promise.reject(new Error('no bash')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunEnvironmentError);
    expect(((error as Error).cause as Error).message).toBe('no bash');
  });
});
