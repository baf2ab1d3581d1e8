import type { Clock, Timer } from '../platform/clock.js';
import type { ByteStream, Network } from '../platform/network.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeMessage } from '../protocol/message-decoder.js';
import type { Message } from '../protocol/messages.js';
import { ConnectionClosedError, type Transport } from './transport.js';

/** Decoded messages held before the socket is paused (each frame is at most 8 KiB). */
const QUEUE_HIGH_WATER = 32;
const DEFAULT_END_TIMEOUT_MS = 2000;

type Pending = { resolve: () => void; reject: (err: Error) => void };

export class SocketTransport implements Transport {
  readonly peer: string;
  private readonly decoder = new FrameDecoder();
  private readonly queue: Message[] = [];
  private failure: Error | undefined;
  private ended = false;
  private waiter: Pending | undefined;
  private iterating = false;
  /** After end(): incoming bytes are read and dropped, never queued, so the peer's FIN is seen. */
  private draining = false;
  private readonly closedPromise: Promise<void>;
  /** Frames send() queued in this turn, and the sends waiting for their write. */
  private outgoing: Buffer[] = [];
  private outgoingWaiters: Pending[] = [];

  /** `socket` comes from a Network (which turns Nagle off); `clock` times end()'s wait. */
  constructor(
    private readonly socket: ByteStream,
    private readonly clock: Clock,
  ) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      try {
        this.decoder.end();
      } catch (err) {
        this.fail(err as Error);
      }
      this.ended = true;
      this.wake();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      if (!this.ended && !this.failure) this.fail(new ConnectionClosedError('connection reset before the peer ended it'));
      this.ended = true;
      this.wake();
    });
  }

  /**
   * Connects to host:port over `network`; rejects with the socket error (ECONNREFUSED, …), on
   * timeout, or at once when `signal` aborts (the attempt is destroyed: a name lookup that hangs
   * cannot hold a stopping process).
   */
  static async connect(network: Network, clock: Clock, host: string, port: number, timeoutMs = 5000, signal?: AbortSignal): Promise<SocketTransport> {
    const cancelled = () => new ConnectionClosedError(`connect to ${host}:${port} cancelled`);
    if (signal?.aborted) throw cancelled();
    const attempt = new AbortController();
    const onAbort = () => attempt.abort(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = clock.setTimeout(() => attempt.abort(new ConnectionClosedError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      return new SocketTransport(await network.connect(host, port, attempt.signal), clock);
    } finally {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  private onData(chunk: Buffer): void {
    if (this.failure || this.draining) return;
    try {
      for (const frame of this.decoder.push(chunk)) this.queue.push(decodeMessage(frame));
      if (this.decoder.error) throw this.decoder.error;
    } catch (err) {
      // Messages decoded before the bad bytes are still delivered, then the error.
      this.fail(err as Error);
      return;
    }
    if (this.queue.length >= QUEUE_HIGH_WATER) this.socket.pause();
    this.wake();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    if (!this.draining) this.socket.pause();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve();
  }

  async *messages(): AsyncIterable<Message> {
    if (this.iterating) throw new Error('messages() is already being read');
    this.iterating = true;
    for (;;) {
      const next = this.queue.shift();
      if (next !== undefined) {
        if (this.queue.length < QUEUE_HIGH_WATER / 2 && !this.failure && this.socket.isPaused()) this.socket.resume();
        yield next;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve, reject) => (this.waiter = { resolve, reject }));
    }
  }

  /**
   * Queues frames; resolves once they (and everything sent before them) are handed to the
   * network. Frames sent in the same turn of the event loop (its microtasks included) — a group commit's acknowledgements,
   * the batches a client sends when several acknowledgements arrive in one read — go out in one
   * write (one system call, and fewer packets with Nagle off) when the turn's microtasks are done.
   */
  send(frames: Buffer | readonly Buffer[]): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) {
      return Promise.reject(new ConnectionClosedError('cannot send: connection closed'));
    }
    const list = Buffer.isBuffer(frames) ? [frames] : frames;
    if (list.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      for (const frame of list) this.outgoing.push(frame);
      this.outgoingWaiters.push({ resolve, reject });
      // process.nextTick runs once every microtask of this turn has run (a chain of awaits too).
      if (this.outgoingWaiters.length === 1) process.nextTick(() => this.flushOutgoing());
    });
  }

  /** Writes what send() queued, as one chunk; every waiter settles with that write. */
  private flushOutgoing(): void {
    const frames = this.outgoing;
    const waiters = this.outgoingWaiters;
    if (waiters.length === 0) return;
    this.outgoing = [];
    this.outgoingWaiters = [];
    const settle = (err?: Error | null): void => {
      for (const w of waiters) if (err) w.reject(err);
      else w.resolve();
    };
    if (this.socket.destroyed || this.socket.writableEnded) {
      settle(new ConnectionClosedError('cannot send: connection closed'));
      return;
    }
    this.socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), settle);
  }

  async end(timeoutMs = DEFAULT_END_TIMEOUT_MS): Promise<void> {
    this.flushOutgoing();
    if (!this.socket.destroyed) this.socket.end();
    let timer: Timer | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, timeoutMs);
    });
    // A paused socket never sees the peer's FIN: keep reading until close, dropping the bytes
    // (queueing them would pause the socket again at the high-water mark).
    this.draining = true;
    if (this.socket.isPaused()) this.socket.resume();
    await Promise.race([this.closedPromise, timeout]);
    this.clock.clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
