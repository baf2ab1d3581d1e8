/**
 * What both client modes need on the wire: the connect function's type, the two kinds of
 * failure (transient: worth another connection; ClientFailure: not), reading the next message
 * of an expected type, and bounding every wait on the server.
 */
import type { Clock, Timer } from '../platform/clock.js';
import type { Platform } from '../platform/platform.js';
import { ErrorCode, errorCodeName } from '../protocol/constants.js';
import type { Message } from '../protocol/messages.js';
import { ConnectionClosedError, type Transport } from '../transport/transport.js';

/** Opens a connection; `signal` (when given) cancels an attempt still in progress. */
export type Connect = (host: string, port: number, signal?: AbortSignal) => Promise<Transport>;

/** What a client takes of its platform besides the connection: time (timeouts, pauses) and the backoff's jitter. */
export type ClientTime = Pick<Platform, 'clock' | 'random'>;

/** Worth another connection attempt: the server is down, restarting, busy or shutting down. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** Not worth retrying: the server refused our data, or the data cannot be sent. */
export class ClientFailure extends Error {
  override readonly name = 'ClientFailure';
}

/** Error codes of the server that are worth another attempt. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  ErrorCode.SHUTTING_DOWN,
  ErrorCode.IDLE_TIMEOUT,
  ErrorCode.TOO_MANY_CONNECTIONS,
  ErrorCode.STORAGE_FAILURE,
]);

export type Inbox = AsyncIterator<Message>;

export async function expect<T extends Message['type']>(inbox: Inbox, type: T): Promise<Extract<Message, { type: T }>> {
  const next = await inbox.next();
  if (next.done) throw new ConnectionClosedError(`server closed the connection while a "${type}" was expected`);
  const m = next.value;
  if (m.type === type) return m as Extract<Message, { type: T }>;
  if (m.type === 'error') {
    const text = `server error ${errorCodeName(m.code)}: ${m.message}`;
    throw TRANSIENT_CODES.has(m.code) ? new TransientError(text) : new ClientFailure(text);
  }
  throw new ClientFailure(`expected "${type}" from the server, got "${m.type}"`);
}

/**
 * Bounds a wait on the server. A silent peer (a network partition, a frozen server) would
 * otherwise hold the client forever: past `ms`, the connection is destroyed and the wait fails
 * with a TransientError, so the client reconnects and resumes from the server's count.
 */
export async function within<T>(clock: Clock, work: Promise<T>, ms: number, what: string, t: Transport): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      t.destroy();
      reject(new TransientError(`no progress from the server for ${ms} ms while waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Socket and name-lookup errors (getaddrinfo's and c-ares') worth another attempt. */
const TRANSIENT_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ETIMEOUT', 'ESERVFAIL', 'ENODATA', 'ECANCELLED', 'EREFUSED',
]);

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientError || err instanceof ConnectionClosedError) return true;
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && TRANSIENT_ERRNOS.has(code);
}
