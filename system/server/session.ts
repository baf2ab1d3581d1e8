/**
 * One client connection. Frames are handled in arrival order; answers go back in the same order.
 * A batch is validated and queued for storage at once, and its answer waits for its commit, so
 * an agency may have several batches in flight (up to maxInFlight, then reading pauses) and
 * they share group commits. A winners query waits for the draw without blocking anyone else.
 */
import { isValidAgency } from '../domain/validation.js';
import { bound, type Logger } from '../log/logger.js';
import type { Clock, Timer } from '../platform/clock.js';
import { ErrorCode, errorCodeName } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import type { Message } from '../protocol/messages.js';
import {
  encodeBatchResult,
  encodeEcho,
  encodeError,
  encodeStatus,
  encodeWinnersAnswer,
} from '../protocol/serializer.js';
import type { Transport } from '../transport/transport.js';
import { batchOf } from '../protocol/bet-text.js';
import { type BatchBets, DrawFailedError, type Lottery, ShuttingDownError } from './lottery.js';

export interface SessionOptions {
  /** Times the idle timeout. */
  readonly clock: Clock;
  readonly idleTimeoutMs: number;
  /** Requests read ahead of their answers before reading pauses. */
  readonly maxInFlight: number;
}

export class Session {
  private agency: number | undefined;
  private stopping = false;
  private closing: Promise<void> | undefined;
  /** Requests whose answer is not sent yet (a waiting winners query among them). */
  private outstanding = 0;
  private replies: Promise<void> = Promise.resolve();
  /** Batch answers handed to the transport whose write has not completed yet, and the last of them. */
  private unwritten = 0;
  private lastWrite: Promise<void> = Promise.resolve();
  private idleTimer: Timer | undefined;
  /** Binds the peer; once `hello` names the agency, `log` binds it too. */
  private readonly peerLog: Logger;
  private log: Logger;

  constructor(
    private readonly transport: Transport,
    private readonly lottery: Lottery,
    log: Logger,
    private readonly options: SessionOptions,
  ) {
    this.peerLog = log.child({ peer: transport.peer });
    this.log = this.peerLog;
  }

  get peer(): string {
    return this.transport.peer;
  }

  /** The peer's address without its port (`172.18.0.3`, `::1`). */
  get peerAddress(): string {
    const peer = this.transport.peer;
    const colon = peer.lastIndexOf(':');
    return colon < 0 ? peer : peer.slice(0, colon);
  }

  /** Serves the connection until the peer closes, a protocol error, the idle timeout or stop(). */
  async run(): Promise<void> {
    this.log.info('conexion_aceptada', 'success', { peer: bound });
    let reason = 'peer closed';
    this.armIdle();
    try {
      for await (const message of this.transport.messages()) {
        if (this.stopping) break; // no new work once stopping
        this.disarmIdle();
        this.handle(message);
        if (this.outstanding >= this.options.maxInFlight) await this.replies;
        this.armIdle();
      }
      await this.replies;
    } catch (err) {
      reason = await this.onError(err as Error);
    } finally {
      this.disarmIdle();
      await this.close(reason);
    }
  }

  /** Stops taking work, lets answers already due go out, then closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.replies;
    await this.close('server shutting down');
  }

  /** Closes at once (shutdown gave up waiting). */
  destroy(reason: string): void {
    this.stopping = true;
    this.transport.destroy();
    void this.close(reason);
  }

  private handle(m: Message): void {
    switch (m.type) {
      case 'echo':
        return this.reply(async () => {
          // As the course's skeleton server does, for every message it answers; logged before the
          // answer goes out, so whoever got the echo back can already read the line.
          this.log.info('receive_message', 'success', { ip: this.peerAddress, msg: printable(m.data) });
          await this.transport.send(encodeEcho({ data: m.data }));
        });
      case 'hello':
        return this.hello(m.agency);
      case 'bet':
        return this.store(m.agency, m.index, batchOf(m.agency, m.index, [m.bet]));
      case 'batch':
        return this.store(m.agency, m.firstIndex, m);
      case 'done': {
        const agency = this.requireAgency(m.agency);
        return this.reply(() => this.lottery.notifyDone(agency));
      }
      case 'winners_query': {
        const agency = this.requireAgency(m.agency);
        return this.reply(() => this.answerWinners(agency));
      }
      default:
        throw new ProtocolError(`a client does not send "${m.type}" messages`, ErrorCode.UNEXPECTED_MESSAGE);
    }
  }

  /** Queues `work` behind every answer already due; errors of the peer's socket end the session elsewhere. */
  private reply(work: () => Promise<void>): void {
    this.outstanding++;
    this.replies = this.replies.then(async () => {
      try {
        await work();
      } catch (err) {
        await this.onReplyError(err as Error);
      } finally {
        this.outstanding--;
      }
    });
  }

  private hello(agency: number): void {
    if (!isValidAgency(agency)) throw new ProtocolError(`agency ${agency} is not a positive integer`, ErrorCode.MALFORMED_MESSAGE);
    // Agencies are 1 … SERVER_AGENCIES: an unknown one could otherwise store bets and count as done.
    if (agency > this.lottery.expectedAgencies) {
      throw new ProtocolError(`agency ${agency} is not one of this lottery's agencies (1 … ${this.lottery.expectedAgencies})`, ErrorCode.UNKNOWN_AGENCY);
    }
    if (this.agency !== undefined && this.agency !== agency) {
      throw new ProtocolError(`this connection speaks for agency ${this.agency}, not ${agency}`, ErrorCode.AGENCY_MISMATCH);
    }
    if (this.agency === undefined) this.log = this.peerLog.child({ agencia: agency });
    this.agency = agency;
    this.reply(async () => {
      const stored = this.lottery.storedCount(agency);
      this.log.info('agencia_conectada', 'success', { peer: bound, agencia: bound, apuestas_guardadas: stored });
      await this.transport.send(encodeStatus({ agency, stored, drawDone: this.lottery.drawDone }));
    });
  }

  private requireAgency(agency: number): number {
    if (this.agency === undefined) throw new ProtocolError('send "hello" first: this connection speaks for no agency', ErrorCode.NOT_IDENTIFIED);
    if (agency !== this.agency) {
      throw new ProtocolError(`this connection speaks for agency ${this.agency}, not ${agency}`, ErrorCode.AGENCY_MISMATCH);
    }
    return agency;
  }

  private store(agency: number, firstIndex: number, bets: BatchBets): void {
    const count = bets.count;
    // A batch for another agency than the connection's names its own (the bound one is not it).
    const log = agency === this.agency ? this.log : this.peerLog;
    const refuse = (code: ErrorCode, detail: string) =>
      this.reply(async () => {
        log.info('apuesta_recibida', 'fail', { cantidad: count, agencia: agency === this.agency ? bound : agency, code: errorCodeName(code), detail });
        await this.answerBatch(encodeBatchResult({ code, firstIndex, count, detail }));
      });
    if (this.agency === undefined) return refuse(ErrorCode.NOT_IDENTIFIED, 'send "hello" first');
    if (agency !== this.agency) return refuse(ErrorCode.AGENCY_MISMATCH, `this connection speaks for agency ${this.agency}`);
    const acceptance = this.lottery.accept(agency, firstIndex, bets);
    if (acceptance.kind === 'rejected') return refuse(acceptance.code, acceptance.detail);
    this.reply(async () => {
      try {
        await acceptance.stored;
      } catch (err) {
        this.log.error('apuesta_recibida', 'fail', { cantidad: count, agencia: bound, code: 'STORAGE_FAILURE', detail: (err as Error).message });
        await this.transport.send(encodeBatchResult({ code: ErrorCode.STORAGE_FAILURE, firstIndex, count, detail: 'the server could not store the batch' }));
        return;
      }
      if (this.log.enabled('DEBUG')) {
        for (const bet of acceptance.bets()) this.log.debug('apuesta_almacenada', 'success', { dni: bet.document, numero: Number(bet.number) });
      }
      const repeated = count - acceptance.fresh;
      this.log.progress('apuesta_recibida', 'success', { cantidad: count, agencia: bound, repetidas: repeated > 0 ? repeated : undefined });
      await this.answerBatch(encodeBatchResult({ code: ErrorCode.OK, firstIndex, count, detail: '' }));
    });
  }

  private async answerWinners(agency: number): Promise<void> {
    let documents: readonly string[];
    try {
      documents = await this.lottery.winnersOf(agency);
    } catch (err) {
      // A failed draw stays failed (until an operator repairs the files): DRAW_FAILED is final for the
      // client. An interrupted one (storage failed under it) is STORAGE_FAILURE: the client asks again.
      const code = err instanceof ShuttingDownError ? ErrorCode.SHUTTING_DOWN : err instanceof DrawFailedError ? ErrorCode.DRAW_FAILED : ErrorCode.STORAGE_FAILURE;
      await this.transport.send(encodeError({ code, message: (err as Error).message }));
      return;
    }
    this.log.info('consulta_ganadores', 'success', { agencia: bound, cant_ganadores: documents.length });
    await this.transport.send(encodeWinnersAnswer(agency, documents));
  }

  /**
   * Hands a batch's answer to the transport without waiting for its write, so that the answers a
   * group commit releases go out together (the transport writes what one turn queued at once);
   * the transport keeps them in order. It waits once `maxInFlight` answers are still unwritten:
   * a peer that does not read its answers stops being read, as when it sends too many batches.
   */
  private async answerBatch(frame: Buffer): Promise<void> {
    this.unwritten++;
    const written = this.transport.send(frame).finally(() => this.unwritten--);
    this.lastWrite = written.catch((err: Error) => this.onReplyError(err));
    if (this.unwritten >= this.options.maxInFlight) await written;
  }

  /** A failed answer means the peer's socket is gone; the read loop will notice and end. */
  private async onReplyError(err: Error): Promise<void> {
    this.log.debug('responder', 'fail', { peer: bound, error: err.message });
  }

  private async onError(err: Error): Promise<string> {
    if (err instanceof ProtocolError) {
      this.log.warn('protocol_error', 'fail', { peer: bound, code: errorCodeName(err.code), error: err.message });
      await this.replies;
      await this.transport.send(encodeError({ code: err.code, message: err.message })).catch(() => {});
      return `protocol error: ${err.message}`;
    }
    if (this.stopping || this.closing) return 'server shutting down';
    this.log.warn('conexion_perdida', 'fail', { peer: bound, agencia: bound, error: err.message });
    return `connection lost: ${err.message}`;
  }

  private armIdle(): void {
    this.disarmIdle();
    this.idleTimer = this.options.clock.setTimeout(() => this.onIdle(), this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    if (this.idleTimer) this.options.clock.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private onIdle(): void {
    // The peer is waiting on us (a commit, the draw): that is not idleness.
    if (this.outstanding > 0) return this.armIdle();
    this.log.info('conexion_inactiva', 'in_progress', { peer: bound, idle_ms: this.options.idleTimeoutMs });
    this.stopping = true;
    void this.transport
      .send(encodeError({ code: ErrorCode.IDLE_TIMEOUT, message: `no message for ${this.options.idleTimeoutMs} ms` }))
      .catch(() => {})
      .then(() => this.close('idle timeout'));
  }

  private close(reason: string): Promise<void> {
    this.closing ??= (async () => {
      this.disarmIdle();
      await this.lastWrite;
      await this.transport.end();
      this.log.info('close', 'success', { resource: 'connection', peer: bound, agencia: bound, reason });
    })();
    return this.closing;
  }
}

/** An echo's bytes as text for the log: UTF-8, control characters (other than line breaks, which the logger escapes) shown as U+FFFD. */
function printable(data: Buffer): string {
  return data.toString('utf8').replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd');
}
