/**
 * The simulated network: hosts, listeners, connections and the faults between them.
 *
 * - Latency: each segment takes `latencyMs` plus up to `jitterMs`, and never overtakes the one
 *   before it on its connection (wire.ts).
 * - Reads come in random-sized chunks: a few bytes, any size, or all there is (chunkSize()).
 * - Partitions, per direction: `stall` drops packets (segments wait, then arrive after the heal,
 *   as retransmissions; a long stall ends in the programs' own timeouts); `cut` rejects them
 *   (a reset to the sender: connections across it break, connects are refused).
 * - reset(a, b): every connection between two hosts is reset at once (a middlebox's RST).
 * - A port with no listener refuses connections; a host that is down answers nothing until it
 *   is back, then resets what it no longer knows.
 */
import type { ListenOptions, Network } from '../../system/platform/network.js';
import type { Prng } from '../kernel/prng.js';
import type { Simulation } from '../kernel/simulation.js';
import { errnoError } from '../errno.js';
import type { SimProcess } from '../process/sim-process.js';
import { type Fabric, type LinkState, type NetworkConfig, SimHost } from './fabric.js';
import { SimListener } from './sim-listener.js';
import { SimSocket } from './sim-socket.js';
import { Wire } from './wire.js';

export { type LinkState, type NetworkConfig, SimHost } from './fabric.js';

export const DEFAULT_NETWORK: NetworkConfig = {
  latencyMs: 0.2,
  jitterMs: 0.3,
  windowBytes: 256 * 1024,
  maxChunk: 64 * 1024,
  tinyReads: 0.2,
  randomReads: 0.3,
};

export class SimNetwork implements Fabric {
  readonly config: NetworkConfig;
  readonly blockedWires = new Set<Wire>();
  private readonly hosts = new Map<string, SimHost>();
  private readonly listeners = new Map<string, SimListener>();
  private readonly links = new Map<string, LinkState>();
  private readonly sockets = new Set<SimSocket>();
  private readonly rng: Prng;
  private connections = 0;

  constructor(
    readonly sim: Simulation,
    config: Partial<NetworkConfig> = {},
  ) {
    this.config = { ...DEFAULT_NETWORK, ...config };
    this.rng = sim.rng.derive('network');
  }

  addHost(name: string): SimHost {
    if (this.hosts.has(name)) throw new Error(`host ${name} exists`);
    const host = new SimHost(name, `10.0.0.${this.hosts.size + 2}`);
    this.hosts.set(name, host);
    return host;
  }

  host(name: string): SimHost {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  }

  private resolve(name: string): SimHost | undefined {
    return this.hosts.get(name) ?? [...this.hosts.values()].find((h) => h.ip === name);
  }

  latency(): number {
    return this.config.latencyMs + this.rng.next() * this.config.jitterMs;
  }

  /** How many bytes the next read hands over, of `available`. */
  chunkSize(available: number): number {
    const cap = Math.min(available, this.config.maxChunk);
    const r = this.rng.next();
    if (r < this.config.tinyReads) return 1 + this.rng.int(Math.min(cap, 16));
    if (r < this.config.tinyReads + this.config.randomReads) return 1 + this.rng.int(cap);
    return cap;
  }

  // ---- faults ---------------------------------------------------------------------------------

  linkState(from: SimHost, to: SimHost): LinkState {
    return this.links.get(`${from.name}>${to.name}`) ?? 'ok';
  }

  /** Partitions `a` from `b`, both ways unless `oneWay` (then only a → b). */
  partition(a: string, b: string, mode: 'stall' | 'cut', oneWay = false): void {
    this.links.set(`${a}>${b}`, mode);
    if (!oneWay) this.links.set(`${b}>${a}`, mode);
    this.sim.note('network', 'partition', `${a}${oneWay ? '>' : '<>'}${b} ${mode}`);
  }

  /** Partitions `name` from every other host. */
  isolate(name: string, mode: 'stall' | 'cut'): void {
    for (const other of this.hosts.keys()) if (other !== name) this.partition(name, other, mode);
  }

  /** Heals every partition (or those between `a` and `b`). */
  heal(a?: string, b?: string): void {
    if (a === undefined) this.links.clear();
    else if (b === undefined) for (const key of [...this.links.keys()]) key.split('>').includes(a) && this.links.delete(key);
    else {
      this.links.delete(`${a}>${b}`);
      this.links.delete(`${b}>${a}`);
    }
    this.sim.note('network', 'heal', a === undefined ? 'all' : `${a}${b === undefined ? '' : `<>${b}`}`);
    for (const wire of [...this.blockedWires]) {
      if (this.linkState(wire.from.host, wire.to.host) === 'stall') continue;
      this.blockedWires.delete(wire);
      wire.unblock();
    }
  }

  /** Resets every open connection between hosts `a` and `b`. */
  reset(a: string, b: string): number {
    let n = 0;
    for (const socket of this.sockets) {
      if (socket.host.name === a && socket.peer?.host.name === b && !socket.destroyed) {
        socket.receive({ kind: 'rst' });
        if (!socket.peer.destroyed) socket.peer.receive({ kind: 'rst' });
        n++;
      }
    }
    this.sim.note('network', 'reset', `${a}<>${b} ${n}`);
    return n;
  }

  /** The host is back (a process starts on it): what waited for it arrives now. */
  hostUp(host: SimHost): void {
    host.up = true;
    for (const wire of host.waitingWires) wire.unblock();
    host.waitingWires.clear();
  }

  hostDown(host: SimHost): void {
    host.up = false;
  }

  // ---- connections ----------------------------------------------------------------------------

  /** The Network a process on `host` sees. */
  viewFor(proc: SimProcess, host: SimHost): Network {
    return {
      listen: (options, onConnection) => this.listen(proc, host, options, onConnection),
      connect: (name, port, signal) => this.connect(proc, host, name, port, signal),
    };
  }

  private listen(proc: SimProcess, host: SimHost, options: ListenOptions, onConnection: (s: SimSocket) => void): Promise<SimListener> {
    return new Promise((resolve, reject) => {
      const port = options.port === 0 ? host.ephemeralPort() : options.port;
      const key = `${host.ip}:${port}`;
      // The answer holds the process until it is heard (a pending request, in Node's terms).
      const answer = (fn: () => void) => {
        proc.ref();
        this.sim.schedule(0, 'net.listen', () => {
          fn();
          proc.unref();
        }, { owner: proc, detail: key });
      };
      if (this.listeners.has(key)) return answer(() => reject(errnoError('EADDRINUSE', 'listen', key)));
      const listener = new SimListener(this.sim, proc, { address: host.ip, port }, options.allowHalfOpen, onConnection, () => this.listeners.delete(key));
      this.listeners.set(key, listener);
      answer(() => resolve(listener));
    });
  }

  private connect(proc: SimProcess, from: SimHost, name: string, port: number, signal?: AbortSignal): Promise<SimSocket> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const to = this.resolve(name);
      if (!to) {
        proc.ref();
        this.sim.schedule(0, 'net.dns', () => {
          reject(errnoError('ENOTFOUND', 'getaddrinfo', name));
          proc.unref();
        }, { owner: proc, detail: name });
        return;
      }
      const id = `c${++this.connections}`;
      const localPort = from.ephemeralPort();
      const client = new SimSocket(this, from, proc, `${id}:${from.name}`, false);
      const server = new SimSocket(this, to, undefined, `${id}:${to.name}`, true);
      client.remoteAddress = to.ip;
      client.remotePort = port;
      server.remoteAddress = from.ip;
      server.remotePort = localPort;
      client.peer = server;
      server.peer = client;
      client.out = new Wire(this, client, server);
      server.out = new Wire(this, server, client);
      this.own(client, proc);
      const onAbort = () => {
        client.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      client.onConnected = (err) => {
        // A SYN-ACK or the refusal: the program hears of it in an event of its own.
        this.sim.schedule(0, 'net.connect', () => {
          signal?.removeEventListener('abort', onAbort);
          if (err) {
            client.notifyClosed();
            return reject(err);
          }
          if (client.destroyed) return;
          client.open();
          resolve(client);
        }, { owner: proc, detail: client.label });
      };
      client.out.send({ kind: 'syn' });
    });
  }

  /** A SYN reached `server`'s host: a listener takes it (SYN-ACK), or it is refused (RST). */
  deliverSyn(server: SimSocket): void {
    const listener = this.listeners.get(`${server.host.ip}:${server.peer.remotePort}`);
    if (!listener || listener.closing) {
      server.out.send({ kind: 'rst' });
      return;
    }
    this.own(server, listener.proc);
    listener.adopt(server);
    server.out.send({ kind: 'synack' });
  }

  /** The socket belongs to `proc`: it holds the process alive and dies with it. */
  private own(socket: SimSocket, proc: SimProcess): void {
    socket.proc = proc;
    this.sockets.add(socket);
    proc.track(socket);
    proc.ref();
    const previous = socket.onClosed;
    socket.onClosed = () => {
      previous?.();
      this.sockets.delete(socket);
      proc.untrack(socket);
      proc.unref();
    };
  }
}
