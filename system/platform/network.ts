/**
 * The network, behind an interface: listen and connect, giving byte streams.
 *
 * The seam is the byte stream, not the message Transport: the framing transport
 * (transport/socket-transport.ts) wraps a ByteStream, so the real FrameDecoder, the read-ahead
 * limit and the pause/resume back-pressure stay under test in the simulator, where reads arrive
 * in random-sized chunks. ByteStream is the part of net.Socket that transport uses, with the
 * same meaning, so the production network hands out net.Socket itself (node-network.ts).
 *
 * Events, as net.Socket emits them:
 * - `data`: the next bytes, in order, in chunks of any size (only while not paused);
 * - `end`: the peer sent FIN and every byte before it was delivered (also while paused, once
 *   nothing is buffered);
 * - `error`: a socket error (`code` ECONNRESET, EPIPE, …); `close` follows;
 * - `close`: the stream is fully closed (after an error, destroy(), or both sides ended).
 */

export interface ByteStream {
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  /** True once destroy() ran or the stream closed. */
  readonly destroyed: boolean;
  /** True once end() was called. */
  readonly writableEnded: boolean;
  /**
   * Queues bytes; `callback` runs once they are handed to the network (asynchronously), with an
   * error when the stream is destroyed or ended. Returns false when the caller should wait.
   */
  write(chunk: Buffer, callback?: (err?: Error | null) => void): boolean;
  /** Sends FIN after every queued write (half-close). */
  end(): this;
  /** Closes at once; queued writes are dropped. */
  destroy(): this;
  /** Stops `data` events (bytes wait in buffers, then the peer's writes wait). */
  pause(): this;
  resume(): this;
  isPaused(): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  once(event: 'data', listener: (chunk: Buffer) => void): this;
  once(event: 'end' | 'close', listener: () => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  off(event: 'data', listener: (chunk: Buffer) => void): this;
  off(event: 'end' | 'close', listener: () => void): this;
  off(event: 'error', listener: (err: Error) => void): this;
}

export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly backlog: number;
  /** Keep the writable side open after the peer's FIN (the server does; the client does not). */
  readonly allowHalfOpen: boolean;
}

export interface ListenAddress {
  readonly address: string;
  readonly port: number;
}

export interface Listener {
  readonly address: ListenAddress;
  /** Stops accepting; resolves once every connection it accepted has closed (net.Server#close). */
  close(): Promise<void>;
  /** Errors after listening started (a failed accept). */
  on(event: 'error', listener: (err: Error) => void): this;
}

export interface Network {
  /** Listens; resolves once listening, rejects with the bind error (`code` EADDRINUSE, …). */
  listen(options: ListenOptions, onConnection: (stream: ByteStream) => void): Promise<Listener>;
  /**
   * Connects (no half-open: the stream ends its side when the peer does). Resolves once
   * connected; rejects with the socket error (`code` ECONNREFUSED, ENOTFOUND, …). When `signal`
   * aborts first, the attempt is destroyed and the promise rejects with the signal's reason.
   */
  connect(host: string, port: number, signal?: AbortSignal): Promise<ByteStream>;
}
