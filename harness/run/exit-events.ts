/**
 * The exits of a run's containers as the engine announces them (`die` events, one subscription
 * per run): the n-th exit of a container resolves as soon as its event came, before or after it
 * was asked for. Earlier than a container wait, which returns only once the engine also released
 * the container's network and mounts (a few hundred milliseconds on a busy engine).
 */
import type { ContainerClient } from '../docker/docker-client.js';

interface Waiter {
  readonly id: string;
  readonly nth: number;
  readonly resolve: (code: number) => void;
}

export class ExitEvents {
  private readonly codes = new Map<string, number[]>();
  private waiters: Waiter[] = [];
  private close: () => void = () => {};

  /** Subscribes to the exits of containers carrying `labels`; resolves once the engine listens. */
  static async subscribe(docker: ContainerClient, labels: Readonly<Record<string, string>>): Promise<ExitEvents> {
    const events = new ExitEvents();
    events.close = await docker.watchExits(labels, (id, code) => events.record(id, code));
    return events;
  }

  private record(id: string, code: number): void {
    const list = this.codes.get(id) ?? [];
    list.push(code);
    this.codes.set(id, list);
    this.waiters = this.waiters.filter((w) => {
      if (w.id !== id || w.nth > list.length) return true;
      w.resolve(list[w.nth - 1] as number);
      return false;
    });
  }

  /** The exit code of the container's `nth` exit (from 1) since the subscription; pending until it comes. */
  exit(id: string, nth: number): Promise<number> {
    const code = this.codes.get(id)?.[nth - 1];
    if (code !== undefined) return Promise.resolve(code);
    return new Promise((resolve) => this.waiters.push({ id, nth, resolve }));
  }

  /** Ends the subscription; pending exits stay pending (a container wait answers them). */
  stop(): void {
    this.close();
    this.waiters = [];
  }
}
