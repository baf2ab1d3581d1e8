/**
 * A simulated listening socket, with net.Server's meaning: connections are handed to the
 * program in events of its process; close() stops accepting (new connects are refused) and
 * resolves once every connection it accepted has closed.
 */
import type { Listener, ListenAddress } from '../../system/platform/network.js';
import type { Simulation } from '../kernel/simulation.js';
import type { ProcessResource, SimProcess } from '../process/sim-process.js';
import type { SimSocket } from './sim-socket.js';

export class SimListener implements Listener, ProcessResource {
  closing = false;
  private released = false;
  private open = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly proc: SimProcess,
    readonly address: ListenAddress,
    private readonly allowHalfOpen: boolean,
    private readonly onConnection: (socket: SimSocket) => void,
    private readonly unregister: () => void,
  ) {
    proc.ref();
    proc.track(this);
  }

  /** A connection reached it: accepted in an event of the listening process. */
  adopt(socket: SimSocket): void {
    socket.allowHalfOpen = this.allowHalfOpen;
    this.open++;
    const previous = socket.onClosed;
    socket.onClosed = () => {
      previous?.();
      this.open--;
      this.settle();
    };
    this.sim.schedule(0, 'net.accept', () => {
      // Reset while it waited in the backlog: gone. The listener closed meanwhile: reset.
      if (socket.destroyed) return;
      if (this.closing) {
        socket.refuse();
        return;
      }
      socket.open();
      this.onConnection(socket);
    }, { owner: this.proc, detail: socket.label });
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.unregister();
      this.proc.untrack(this);
      this.sim.note(this.proc.id, 'listener.close', `${this.address.address}:${this.address.port}`);
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.settle();
    });
  }

  on(_event: 'error', _listener: (err: Error) => void): this {
    // A simulated accept never fails.
    return this;
  }

  release(): void {
    this.closing = true;
    this.unregister();
  }

  /** Closed and empty: the callbacks run, and only then does the handle stop holding the process (as Node's). */
  private settle(): void {
    if (!this.closing || this.open > 0 || this.waiters.length === 0) return;
    const waiters = this.waiters.splice(0);
    this.sim.schedule(0, 'net.listener-closed', () => {
      waiters.forEach((w) => w());
      if (!this.released) {
        this.released = true;
        this.proc.unref();
      }
    }, { owner: this.proc });
  }
}
