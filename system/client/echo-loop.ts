/**
 * The course's client of exercises 1–4 (client mode `echo`): connect, send `loop.amount`
 * messages `[CLIENT <id>] Message N°<k>`, one every `loop.period`, each as an echo frame, and log
 * every reply the server sends back:
 *   action: receive_message | result: success | client_id: <id> | msg: [CLIENT <id>] Message N°<k>
 * then `action: loop_finished | result: success | client_id: <id>`.
 * A lost connection is retried (and the unanswered message sent again); SIGTERM ends the loop.
 */
import type { Logger } from '../log/logger.js';
import { encodeEcho } from '../protocol/serializer.js';
import type { Transport } from '../transport/transport.js';
import { ClientFailure, type ClientTime, type Connect, expect, within } from './wire.js';
import type { ClientConfig } from './config.js';
import { ConnectionLoop } from './connection-loop.js';

/** Connection attempts in a row before the loop gives up, and the longest wait between two. */
export const ECHO_CONNECT_ATTEMPTS = 30;
export const ECHO_CONNECT_BACKOFF_CAP_MS = 1000;

export type EchoOutcome = { readonly kind: 'finished'; readonly messages: number } | { readonly kind: 'stopped'; readonly messages: number };

export function echoMessage(id: number, k: number): string {
  return `[CLIENT ${id}] Message N°${k}`;
}

export class EchoLoop {
  private answered = 0;
  private readonly loop: ConnectionLoop;

  constructor(
    private readonly config: ClientConfig,
    connect: Connect,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
    private readonly time: ClientTime,
  ) {
    this.loop = new ConnectionLoop(config.server, connect, { attempts: ECHO_CONNECT_ATTEMPTS, backoffCapMs: ECHO_CONNECT_BACKOFF_CAP_MS }, log, signal, time);
  }

  /** Runs until every message came back (finished), SIGTERM (stopped), or throws a ClientFailure. */
  async run(): Promise<EchoOutcome> {
    const outcome = await this.loop.run((t, log, onProgress) => this.converse(t, log, onProgress));
    if (outcome.kind === 'stopped' || this.signal.aborted) return { kind: 'stopped', messages: this.answered };
    this.log.info('loop_finished', 'success', { client_id: this.config.id });
    return { kind: 'finished', messages: this.answered };
  }

  private async converse(t: Transport, log: Logger, onProgress: () => void): Promise<void> {
    const { id, loopAmount, loopPeriodMs, answerTimeoutMs } = this.config;
    const inbox = t.messages()[Symbol.asyncIterator]();
    while (this.answered < loopAmount) {
      const message = echoMessage(id, this.answered + 1);
      await within(this.time.clock, t.send(encodeEcho({ data: Buffer.from(message, 'utf8') })), answerTimeoutMs, `sending message ${this.answered + 1}`, t);
      const reply = await within(this.time.clock, expect(inbox, 'echo'), answerTimeoutMs, `the echo of message ${this.answered + 1}`, t);
      const text = reply.data.toString('utf8');
      if (text !== message) {
        throw new ClientFailure(`the server echoed ${JSON.stringify(text)} for ${JSON.stringify(message)}`);
      }
      this.answered++;
      onProgress();
      log.info('receive_message', 'success', { client_id: id, msg: text });
      if (this.answered < loopAmount) await this.time.clock.sleep(loopPeriodMs, this.signal);
      if (this.signal.aborted) return;
    }
  }
}
