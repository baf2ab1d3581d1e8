/**
 * One end of a simulated TCP connection, a ByteStream with net.Socket's meaning (checked against
 * net.Socket by the platform contract tests):
 * - writes are taken while the window has room (bytes on the wire plus bytes the peer has not
 *   read); their callbacks run on the next tick then, or when the peer's reads make room;
 * - reads come in chunks of random size, only while not paused and only once accepted;
 * - `end` comes after the last byte, also while paused once nothing is buffered; without
 *   allowHalfOpen the socket then ends its own side;
 * - destroy() sends FIN, or RST when more than Node's read buffer was left unread; a reset
 *   arriving gives `error` ECONNRESET, then `close`;
 * - every callback into the program runs in an event (or tick) of the socket's own process.
 */
import { EventEmitter } from 'node:events';
import type { ByteStream } from '../../system/platform/network.js';
import { errnoError, streamError } from '../errno.js';
import type { SimProcess } from '../process/sim-process.js';
import type { Release } from '../process/sim-process.js';
import type { Endpoint, Fabric, Segment, SimHost } from './fabric.js';
import type { Wire } from './wire.js';

/** What Node's socket reads ahead into its own buffer (readableHighWaterMark). */
const NODE_READ_BUFFER = 16 * 1024;
/** Node's writableHighWaterMark: write() returns false past it. */
const NODE_WRITE_BUFFER = 16 * 1024;

type State = 'connecting' | 'open' | 'closed';

interface QueuedWrite {
  chunk: Buffer;
  offset: number;
  readonly callback: ((err?: Error | null) => void) | undefined;
}

export class SimSocket extends EventEmitter implements ByteStream, Endpoint {
  /** The wire towards the peer (set when the connection is made). */
  out!: Wire;
  peer!: SimSocket;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  destroyed = false;
  writableEnded = false;
  private state: State = 'connecting';
  /** The program holds it (connect resolved, or the listener handed it over). */
  private accepted = false;
  private paused = false;
  private readonly received: Buffer[] = [];
  private receivedBytes = 0;
  private finReceived = false;
  private readEnded = false;
  private finSent = false;
  private readonly outQueue: QueuedWrite[] = [];
  private outBytes = 0;
  /** Bytes sent and not yet read by the peer's program: what the window holds. */
  private unacked = 0;
  private readScheduled = false;
  /** A `data` listener is attached: a Node socket flows only then. */
  private flowing = false;
  /** The process died with the machine: this end answers nothing until the host is back. */
  vanished = false;
  onConnected: ((err?: Error) => void) | undefined;
  /** Hooks for the network and the listener: run once, when the program has heard the close. */
  onClosed: (() => void) | undefined;
  private closeNotified = false;

  constructor(
    readonly net: Fabric,
    readonly host: SimHost,
    public proc: SimProcess | undefined,
    readonly label: string,
    /** Set by the listener that accepts it. */
    public allowHalfOpen: boolean,
  ) {
    super();
    this.on('newListener', (event: string) => {
      if (event !== 'data' || this.flowing) return;
      this.flowing = true;
      this.pump();
    });
  }

  // ---- ByteStream ---------------------------------------------------------------------------

  write(chunk: Buffer, callback?: (err?: Error | null) => void): boolean {
    if (this.destroyed) {
      this.inContext(() => callback?.(streamError('ERR_STREAM_DESTROYED', 'write')));
      return false;
    }
    if (this.writableEnded) {
      const err = streamError('ERR_STREAM_WRITE_AFTER_END', 'write');
      this.inContext(() => callback?.(err));
      this.fail(err);
      return false;
    }
    this.outQueue.push({ chunk, offset: 0, callback });
    this.outBytes += chunk.length;
    this.flush(true);
    return this.outBytes < NODE_WRITE_BUFFER;
  }

  end(): this {
    if (this.writableEnded || this.destroyed) return this;
    this.writableEnded = true;
    this.flush(true);
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.abandonWrites(streamError('ERR_STREAM_DESTROYED', 'write'));
    this.closeTransport();
    this.finishClose(true);
    return this;
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    this.paused = false;
    this.pump();
    return this;
  }

  isPaused(): boolean {
    return this.paused;
  }

  // ---- the network's side -------------------------------------------------------------------

  /** Connected (client) or accepted (server): `data` may flow from now on. */
  open(): void {
    this.state = 'open';
    this.accepted = true;
    this.flush(false);
    this.pump();
  }

  receive(segment: Segment): void {
    if (this.state === 'closed') {
      // Nothing knows this connection any more (a closed socket, or a host that came back up
      // without it): data or a late SYN-ACK is answered with a reset.
      if (segment.kind === 'data' || segment.kind === 'synack') this.out.send({ kind: 'rst' });
      return;
    }
    switch (segment.kind) {
      case 'syn':
        return this.net.deliverSyn(this);
      case 'synack':
        return this.onConnected?.();
      case 'data':
        this.received.push(segment.bytes);
        this.receivedBytes += segment.bytes.length;
        return this.pump();
      case 'fin':
        this.finReceived = true;
        return this.pump();
      case 'rst':
        return this.onReset();
    }
  }

  /** A connection in the backlog of a listener that closed: the OS resets it (no program held it). */
  refuse(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.destroyed = true;
    this.out.send({ kind: 'rst' });
    this.notifyClosed();
  }

  /** The peer's program read `n` of our bytes: the window has room again. */
  acked(n: number): void {
    this.unacked -= n;
    this.flush(false);
  }

  /** What the OS does with this socket when its process dies. */
  release(how: Release): void {
    if (this.state === 'closed') return;
    if (how === 'crash') {
      this.vanished = true;
      this.destroyed = true;
      this.outQueue.length = 0;
      this.state = 'closed';
      this.notifyClosed();
      return;
    }
    this.outQueue.length = 0;
    this.closeTransport();
    this.finishClose(false);
  }

  // ---- inside ---------------------------------------------------------------------------------

  /** Runs `fn` in this socket's process: on its next tick when it is running now, else as its event. */
  private inContext(fn: () => void, kind = 'net.cb'): void {
    const proc = this.proc;
    if (!proc) return;
    // One socket's callbacks keep their order (a FIFO group), as Node's do.
    if (this.net.sim.currentOwner === proc) this.net.sim.tick(proc, fn);
    else this.net.sim.schedule(0, kind, fn, { owner: proc, detail: this.label, fifo: this.label });
  }

  /** The socket no longer holds its process (Node drops the handle after `close`). */
  notifyClosed(): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.onClosed?.();
  }

  /** Moves queued writes onto the wire while the window has room; then FIN, once ended. */
  private flush(ownContext: boolean): void {
    if (this.state !== 'open') return;
    while (this.outQueue.length > 0) {
      const head = this.outQueue[0] as QueuedWrite;
      const room = this.net.config.windowBytes - this.unacked;
      if (room <= 0) return;
      const n = Math.min(room, head.chunk.length - head.offset);
      this.out.send({ kind: 'data', bytes: Buffer.from(head.chunk.subarray(head.offset, head.offset + n)) });
      this.unacked += n;
      this.outBytes -= n;
      head.offset += n;
      if (head.offset < head.chunk.length) return;
      this.outQueue.shift();
      const callback = head.callback;
      if (callback) {
        if (ownContext) this.inContext(() => callback());
        else this.inContext(() => callback(), 'net.written');
      }
    }
    if (this.writableEnded && !this.finSent) {
      this.finSent = true;
      this.out.send({ kind: 'fin' });
      this.maybeClose();
    }
  }

  private pump(): void {
    if (this.readScheduled || !this.accepted || this.state !== 'open' || !this.proc) return;
    const readable = this.receivedBytes > 0 && !this.paused && this.flowing;
    const ending = this.finReceived && this.receivedBytes === 0 && !this.readEnded;
    if (!readable && !ending) return;
    this.readScheduled = true;
    this.net.sim.schedule(0, 'net.read', () => this.read(), { owner: this.proc, detail: this.label });
  }

  private read(): void {
    this.readScheduled = false;
    if (this.state !== 'open') return;
    if (this.receivedBytes > 0 && !this.paused && this.flowing) {
      const chunk = this.take(this.net.chunkSize(this.receivedBytes));
      this.peer.acked(chunk.length);
      this.emit('data', chunk);
    } else if (this.finReceived && this.receivedBytes === 0 && !this.readEnded) {
      this.readEnded = true;
      this.emit('end');
      if (!this.allowHalfOpen) this.end();
      this.maybeClose();
    }
    this.pump();
  }

  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const head = this.received[0] as Buffer;
      if (head.length <= left) {
        parts.push(head);
        this.received.shift();
        left -= head.length;
      } else {
        parts.push(head.subarray(0, left));
        this.received[0] = head.subarray(left);
        left = 0;
      }
    }
    this.receivedBytes -= n;
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
  }

  /** Both sides ended: the socket closes, as Node's does after `end` and `finish`. */
  private maybeClose(): void {
    if (this.readEnded && this.finSent && this.state === 'open') this.finishClose(true);
  }

  /** FIN after what is already on the wire, or RST when unread bytes are left in the kernel. */
  private closeTransport(): void {
    if (this.state !== 'open') return;
    if (this.receivedBytes > NODE_READ_BUFFER) {
      this.out.clear();
      this.out.send({ kind: 'rst' });
    } else if (!this.finSent) {
      this.finSent = true;
      this.out.send({ kind: 'fin' });
    }
  }

  private onReset(): void {
    if (this.state === 'connecting') {
      this.state = 'closed';
      this.destroyed = true;
      // The connect's callback releases the socket, once the program has heard; a connection
      // waiting in a listener's backlog is simply gone (no program ever held it).
      if (this.onConnected) this.onConnected(errnoError('ECONNREFUSED', 'connect', `${this.remoteAddress}:${this.remotePort}`));
      else this.notifyClosed();
      return;
    }
    const err = errnoError('ECONNRESET', 'read');
    this.abandonWrites(err);
    this.fail(err);
  }

  /** An error: `error`, then `close`, as destroy(err) does. */
  private fail(err: Error): void {
    if (this.state === 'closed') return;
    this.out.clear();
    this.state = 'closed';
    this.destroyed = true;
    this.inContext(() => {
      this.notifyClosed();
      this.emit('error', err);
      this.emit('close');
    }, 'net.error');
  }

  private abandonWrites(err: Error): void {
    for (const w of this.outQueue.splice(0)) {
      const callback = w.callback;
      if (callback) this.inContext(() => callback(err));
    }
    this.outBytes = 0;
  }

  private finishClose(emit: boolean): void {
    const wasOpen = this.state !== 'closed';
    this.state = 'closed';
    this.destroyed = true;
    if (!wasOpen) return;
    if (!emit) return this.notifyClosed();
    this.inContext(() => {
      this.notifyClosed();
      this.emit('close');
    }, 'net.close');
  }
}
