import type { Message } from '../protocol/messages.js';

/**
 * A message connection. The server and the client see only this interface; the socket
 * implementation (socket-transport.ts) is one of possibly many.
 */
export interface Transport {
  /** "host:port" of the peer, for logs. */
  readonly peer: string;
  /**
   * Decoded messages in arrival order. Ends when the peer closes cleanly; throws a ProtocolError
   * for bad bytes (after every good message before them) and the socket's error otherwise.
   * Reading pauses the socket while the consumer is behind, so nothing buffers without bound.
   */
  messages(): AsyncIterable<Message>;
  /** Writes whole frames; resolves once the socket accepted them (its callback), rejects on error. */
  send(frames: Buffer | readonly Buffer[]): Promise<void>;
  /** Sends FIN after pending writes and resolves once the socket is closed (or `timeoutMs` passed, then destroys). */
  end(timeoutMs?: number): Promise<void>;
  /** Closes at once. */
  destroy(): void;
  readonly closed: boolean;
}

export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  constructor(message = 'connection closed', options?: { cause?: unknown }) {
    super(message, options);
  }
}
