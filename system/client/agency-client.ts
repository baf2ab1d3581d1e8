/**
 * The agency client: connect (with retries), say which agency it is, learn how many of its bets
 * the server already holds, send the rest in pipelined batches, notify, ask for its winners.
 *
 * Resuming: the server answers `hello` with the count of this agency's bets it holds durably.
 * The client re-reads its source from the start and skips that many bets, so after any
 * reconnect — a server restart or a restart of the client itself — no bet is sent twice and
 * none is lost (the server also drops any repeated prefix of a batch).
 */
import type { BetFields } from '../domain/bet.js';
import { bound, type Logger } from '../log/logger.js';
import { ErrorCode, errorCodeName } from '../protocol/constants.js';
import { betAt, betsOf, scanBets } from '../protocol/bet-text.js';
import { encodeBatchBytes, encodeBet, encodeDone, encodeHello, encodeWinnersQuery } from '../protocol/serializer.js';
import type { Transport } from '../transport/transport.js';
import { type Batch, Batcher } from './batcher.js';
import type { BetSource } from './bet-source.js';
import type { ClientConfig } from './config.js';
import { ConnectionLoop } from './connection-loop.js';
import { ClientFailure, type ClientTime, type Connect, expect, type Inbox, TransientError, TRANSIENT_CODES, within } from './wire.js';

export { ClientFailure, type ClientTime, type Connect, TransientError } from './wire.js';

export type ClientOutcome =
  | { readonly kind: 'finished'; readonly winners: readonly string[]; readonly bets: number; readonly invalidRows: number }
  | { readonly kind: 'stopped' };


const WINNERS_PER_LINE = 100;
/** How many answer timeouts the client waits for its winners (the draw waits for every agency). */
const WINNERS_WAIT_FACTOR = 6;

/** The one bet of a single-bet source, from its wire bytes. */
function onlyBet(bytes: Uint8Array): BetFields {
  return betAt(bytes, scanBets(bytes, 1), 0);
}

export class AgencyClient {
  private readonly reported = new Set<number>();
  private validBets = 0;
  private readonly loop: ConnectionLoop;
  private readonly log: Logger;

  constructor(
    private readonly config: ClientConfig,
    private readonly source: BetSource,
    connect: Connect,
    log: Logger,
    private readonly signal: AbortSignal,
    private readonly time: ClientTime,
  ) {
    // Binds the agency; the loop's logger for each connection binds its peer too.
    this.log = log.child({ agencia: config.id });
    // retry.*, not loop.*: the course writes loop.* for its echo loop (a few messages), not for this.
    const policy = { attempts: config.retryAttempts, backoffCapMs: config.retryPeriodMs };
    this.loop = new ConnectionLoop(config.server, connect, policy, this.log, signal, time);
  }

  /** Runs until the winners are known, SIGTERM (stopped) or a failure (throws ClientFailure). */
  async run(): Promise<ClientOutcome> {
    const outcome = await this.loop.run((t, log, onProgress) => this.converse(t, log, onProgress));
    if (outcome.kind === 'stopped') return { kind: 'stopped' };
    return { kind: 'finished', winners: outcome.value, bets: this.validBets, invalidRows: this.reported.size };
  }

  private async converse(t: Transport, log: Logger, onProgress: () => void): Promise<readonly string[]> {
    const agency = this.config.id;
    const inbox = t.messages()[Symbol.asyncIterator]();
    const answerMs = this.config.answerTimeoutMs;
    await within(this.time.clock, t.send(encodeHello({ agency })), answerMs, 'sending "hello"', t);
    const status = await within(this.time.clock, expect(inbox, 'status'), answerMs, 'an answer to "hello"', t);
    // An answer to hello is no progress (a server that answers and then fails would be retried for
    // ever): acknowledged bets and the winners are.
    if (status.stored > 0) log.info('reanudar', 'in_progress', { agencia: bound, apuestas_guardadas: status.stored });
    await this.sendBets(t, log, inbox, status.stored, onProgress);
    await within(this.time.clock, t.send([encodeDone({ agency }), encodeWinnersQuery({ agency })]), answerMs, 'sending "done"', t);
    log.info('notificacion_enviada', 'success', { agencia: bound, apuestas: this.validBets });
    const winners: string[] = [];
    for (;;) {
      // The draw waits for every agency: a longer wait is normal here, but not an endless one.
      const part = await within(this.time.clock, expect(inbox, 'winners'), answerMs * WINNERS_WAIT_FACTOR, 'the winners', t);
      winners.push(...part.documents);
      if (part.last) break;
    }
    onProgress();
    log.info('consulta_ganadores', 'success', { cant_ganadores: winners.length });
    // The documents themselves, for people and the harness, at most WINNERS_PER_LINE per line.
    const parts = Math.ceil(winners.length / WINNERS_PER_LINE);
    for (let i = 0; i < parts; i++) {
      const dnis = winners.slice(i * WINNERS_PER_LINE, (i + 1) * WINNERS_PER_LINE).join(',');
      log.info('ganadores', 'success', { agencia: bound, parte: `${i + 1}/${parts}`, dnis });
    }
    return winners;
  }

  /** Sends every bet past the first `stored`, keeping up to `batchWindow` batches unacknowledged. */
  private async sendBets(t: Transport, log: Logger, inbox: Inbox, stored: number, onProgress: () => void): Promise<void> {
    const { id: agency, batchWindow, batchPeriodMs } = this.config;
    const batcher = new Batcher(this.source.single ? 1 : this.config.batchMaxAmount, stored);
    const inflight: Batch[] = [];
    let sent = stored;
    const settleOldest = async () => {
      const batch = inflight.shift() as Batch;
      const result = await within(this.time.clock, expect(inbox, 'batch_result'), this.config.answerTimeoutMs, `the answer to the batch at bet ${batch.firstIndex}`, t);
      if (result.firstIndex !== batch.firstIndex) {
        throw new ClientFailure(`answer for bet ${result.firstIndex} arrived while bet ${batch.firstIndex} was expected`);
      }
      if (result.code !== ErrorCode.OK) {
        const text = `server refused the batch at bet ${batch.firstIndex} (${batch.count} bets): ${errorCodeName(result.code)}: ${result.detail}`;
        const refusal = { cantidad: batch.count, code: errorCodeName(result.code), detail: result.detail };
        // A code worth another connection is a condition in progress (SPEC §6), not a failure.
        if (TRANSIENT_CODES.has(result.code)) {
          log.info('apuestas_enviadas', 'in_progress', refusal);
          throw new TransientError(text);
        }
        log.error('apuestas_enviadas', 'fail', refusal);
        throw new ClientFailure(text);
      }
      sent += batch.count;
      onProgress();
      if (log.enabled('DEBUG')) {
        for (const bet of betsOf({ bytes: batch.bets, count: batch.count, spans: scanBets(batch.bets, batch.count) })) {
          log.debug('apuesta_enviada', 'success', { dni: bet.document, numero: bet.number });
        }
      }
      log.progress('apuestas_enviadas', 'success', { cantidad: batch.count, enviadas: sent, bytes: batch.frameSize });
    };
    const frameOf = (batch: Batch): Buffer =>
      this.source.single
        ? encodeBet({ agency, index: batch.firstIndex, bet: onlyBet(batch.bets) })
        : encodeBatchBytes({ agency, firstIndex: batch.firstIndex, count: batch.count }, batch.bets);
    // With no pause between batches, a full window waits until half of it is answered, then sends
    // that many in one write: fewer, fuller writes and reads on both ends, never fewer than half
    // a window in flight. With a pause, one batch at a time, as configured.
    const refillBelow = batchPeriodMs > 0 ? batchWindow - 1 : batchWindow >> 1;
    const sendAll = async (batches: readonly Batch[]) => {
      for (let k = 0; k < batches.length; ) {
        if (inflight.length >= batchWindow) while (inflight.length > refillBelow) await settleOldest();
        if (this.signal.aborted) throw new TransientError('stopping');
        const group = batches.slice(k, k + (batchPeriodMs > 0 ? 1 : batchWindow - inflight.length));
        const what = `sending the batch at bet ${(group[0] as Batch).firstIndex}`;
        // The transport writes the frames of one send together.
        await within(this.time.clock, t.send(group.map(frameOf)), this.config.answerTimeoutMs, what, t);
        inflight.push(...group);
        k += group.length;
        await this.time.clock.sleep(batchPeriodMs, this.signal);
      }
    };

    let position = 0;
    for await (const chunk of this.source.read()) {
      for (const row of chunk.invalid) this.reportInvalid(row.line, row.reason);
      const count = chunk.bets.ends.length;
      // The first `stored` bets of the stream are the server's already.
      const from = Math.min(count, Math.max(0, stored - position));
      position += count;
      await sendAll(batcher.add(chunk.bets, from));
    }
    const last = batcher.flush();
    if (last) await sendAll([last]);
    while (inflight.length > 0) await settleOldest();
    this.validBets = position;
    if (position < stored) {
      throw new ClientFailure(`the server holds ${stored} bets of agency ${agency} but ${this.source.description} has only ${position} (a bets.csv from another run?)`);
    }
  }

  private reportInvalid(line: number, reason: string): void {
    if (this.reported.has(line)) return;
    this.reported.add(line);
    this.log.error('leer_apuesta', 'fail', { source: this.source.description, line, reason });
  }
}
