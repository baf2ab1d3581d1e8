/**
 * The client's life on the wire, shared by its two modes: connect (retrying with backoff while
 * the server is not there), converse, and after a transient failure (the server went away, a
 * timeout) connect again; a failure that is not transient ends it. SIGTERM (the signal) ends
 * whatever is pending at once: the connection attempt, the conversation, the pause between tries.
 */
import { bound, type Logger } from '../log/logger.js';
import type { Transport } from '../transport/transport.js';
import { ClientFailure, type ClientTime, type Connect, isTransient } from './wire.js';
import { backoffDelay } from './retry.js';

export interface ReconnectPolicy {
  /** Attempts in a row (failed connects, or conversations that made no progress) before giving up. */
  readonly attempts: number;
  /** Longest pause between two attempts. */
  readonly backoffCapMs: number;
}

export type LoopOutcome<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'stopped' };

/**
 * What a conversation gets: the connection, a logger that binds the connection's peer, and a
 * call that says it made progress (resets the attempts).
 */
export type Conversation<T> = (t: Transport, log: Logger, onProgress: () => void) => Promise<T>;

export class ConnectionLoop {
  private current: Transport | undefined;

  constructor(
    private readonly server: { readonly host: string; readonly port: number },
    private readonly connect: Connect,
    private readonly policy: ReconnectPolicy,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
    private readonly time: ClientTime,
  ) {
    signal.addEventListener('abort', () => void this.current?.end(300), { once: true });
  }

  /** Runs `converse` until it returns (done), SIGTERM (stopped), or throws a ClientFailure. */
  async run<T>(converse: Conversation<T>): Promise<LoopOutcome<T>> {
    const { host, port } = this.server;
    let failures = 0;
    for (;;) {
      if (this.signal.aborted) return { kind: 'stopped' };
      let transport: Transport;
      try {
        transport = await this.connect(host, port, this.signal);
      } catch (err) {
        if (this.signal.aborted) return { kind: 'stopped' };
        failures = await this.retryOrFail(failures, 'connect', err as Error);
        continue;
      }
      this.current = transport;
      const log = this.log.child({ peer: transport.peer });
      log.info('connect', 'success', { server: `${host}:${port}`, peer: bound });
      try {
        return { kind: 'done', value: await converse(transport, log, () => (failures = 0)) };
      } catch (err) {
        if (this.signal.aborted) return { kind: 'stopped' };
        if (!isTransient(err)) throw err instanceof ClientFailure ? err : new ClientFailure((err as Error).message, { cause: err });
        failures = await this.retryOrFail(failures, 'reconnect', err as Error);
      } finally {
        this.current = undefined;
        await transport.end(300);
        log.info('close', 'success', { resource: 'connection', peer: bound });
      }
    }
  }

  private async retryOrFail(failures: number, action: string, err: Error): Promise<number> {
    const attempt = failures + 1;
    const { attempts, backoffCapMs } = this.policy;
    if (attempt >= attempts) throw new ClientFailure(`gave up after ${attempt} attempts: ${err.message}`, { cause: err });
    const delay = backoffDelay(attempt, backoffCapMs, () => this.time.random.next());
    this.log.info(action, 'in_progress', { attempt, of: attempts, retry_in_ms: delay, error: err.message });
    await this.time.clock.sleep(delay, this.signal);
    return attempt;
  }
}
