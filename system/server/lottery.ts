/**
 * The lottery's server-side state: which bets of each agency are accepted (by position in the
 * agency's stream), which agencies are done, the draw (run once) and its winners.
 *
 * Every agency numbers its bets 0, 1, 2, …; a batch says where it starts. A batch that starts
 * exactly at the agency's next position is stored; one that repeats bets already accepted has
 * the repeated part dropped (a client resending after a lost acknowledgement); one that skips
 * ahead is refused. So whatever reconnects happen, every bet is stored exactly once.
 */
import type { BetFields } from '../domain/bet.js';
import { WINNING_NUMBER } from '../domain/bet.js';
import { checkBet, isValidAgency } from '../domain/validation.js';
import { isValidBetBytes } from '../domain/validation-bytes.js';
import type { Logger } from '../log/logger.js';
import { batchOf, betAt, SPAN_WIDTH } from '../protocol/bet-text.js';
import { ErrorCode } from '../protocol/constants.js';
import type { MessageOf } from '../protocol/messages.js';
import type { BetStore } from './bet-store.js';
import { rowAgency, rowDocument, rowNumber } from './stored-file.js';
import { StoredRowsWriter } from './stored-rows.js';

/** What accept() reads of a batch: its wire bytes (well-formed UTF-8) and where each bet's fields lie in them. */
export type BatchBets = Pick<MessageOf<'batch'>, 'count' | 'bytes' | 'spans'>;

export type Acceptance =
  | {
      readonly kind: 'accepted';
      /** How many bets of the batch were newly queued for storage (a repeated prefix is not). */
      readonly fresh: number;
      /** Those bets as strings, made on demand (for per-bet logs). */
      readonly bets: () => BetFields[];
      /** Resolves once every bet of the batch is durable. */
      readonly stored: Promise<void>;
    }
  | { readonly kind: 'rejected'; readonly code: ErrorCode; readonly detail: string };

export class ShuttingDownError extends Error {
  override readonly name = 'ShuttingDownError';
  constructor() {
    super('the server is shutting down');
  }
}

/** The draw cannot be made (its bets do not match the recorded one): final, no winners will come. */
export class DrawFailedError extends Error {
  override readonly name = 'DrawFailedError';
}

/** The draw could not be made this time (storage failed under it): the next winners query tries again. */
export class DrawInterruptedError extends Error {
  override readonly name = 'DrawInterruptedError';
}

/** The stored bets differ from the draw the journal recorded: no draw of them can be right. */
class DrawMismatch extends Error {}

/** `interrupted`: storage failed under the draw; betting stays closed and the next query draws again. */
type DrawState = 'open' | 'drawing' | 'drawn' | 'interrupted' | 'failed';

interface Settle {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Lottery {
  /** Next stream position per agency: committed bets plus those queued for storage. */
  private readonly nextIndex = new Map<number, number>();
  /** The latest storage promise per agency (storage is FIFO, so it covers all earlier ones). */
  private readonly lastAppend = new Map<number, Promise<void>>();
  private state: DrawState = 'open';
  private winners = new Map<number, string[]>();
  private drawn!: Promise<void>;
  /** The draw in progress, if any (it never rejects: a failure is logged and settles `drawn`). */
  private drawing: Promise<void> = Promise.resolve();
  private settleDraw!: Settle;
  private stopped = false;
  private readonly rows = new StoredRowsWriter();

  constructor(
    private readonly store: BetStore,
    readonly expectedAgencies: number,
    private readonly log: Logger,
  ) {
    this.awaitDraw();
  }

  /** A fresh promise of the draw for the queries that come from now on. */
  private awaitDraw(): void {
    this.drawn = new Promise((resolve, reject) => (this.settleDraw = { resolve, reject }));
    this.drawn.catch(() => {}); // waiters handle it; an unobserved rejection is not a crash
  }

  /** Runs the draw at once when the agencies were already done (a restarted server). */
  start(): void {
    this.maybeDraw();
  }

  get drawDone(): boolean {
    return this.state === 'drawn';
  }

  storedCount(agency: number): number {
    return this.store.storedCount(agency);
  }

  accept(agency: number, firstIndex: number, batch: BatchBets): Acceptance {
    if (this.state !== 'open') {
      return { kind: 'rejected', code: ErrorCode.BETTING_CLOSED, detail: 'every agency is done; the draw has started' };
    }
    const next = this.nextIndex.get(agency) ?? this.store.storedCount(agency);
    if (firstIndex > next) {
      return {
        kind: 'rejected',
        code: ErrorCode.SEQUENCE_GAP,
        detail: `batch starts at bet ${firstIndex} but the server holds bets 0…${next - 1} of agency ${agency}`,
      };
    }
    const { bytes, spans, count } = batch;
    const skip = Math.min(next - firstIndex, count);
    const agencyValid = isValidAgency(agency);
    for (let i = skip; i < count; i++) {
      if (agencyValid && isValidBetBytes(bytes, spans, i * SPAN_WIDTH)) continue;
      // The byte rules say only "valid" or "ask the text rules": those give the reason.
      const reason = checkBet(agency, betAt(bytes, spans, i));
      if (reason !== undefined) {
        return { kind: 'rejected', code: ErrorCode.INVALID_BET, detail: `bet ${firstIndex + i} (position ${i + 1} in the batch): ${reason}` };
      }
    }
    const fresh = count - skip;
    const bets = () => Array.from({ length: fresh }, (_, i) => betAt(bytes, spans, skip + i));
    if (fresh === 0) {
      return { kind: 'accepted', fresh, bets, stored: this.lastAppend.get(agency) ?? Promise.resolve() };
    }
    this.nextIndex.set(agency, next + fresh);
    const stored = this.store.append(agency, this.rows.rows(agency, bytes, spans, skip, count), fresh);
    stored.catch(() => {}); // the session awaits it in reply order; a failure is reported there
    this.lastAppend.set(agency, stored);
    return { kind: 'accepted', fresh, bets, stored };
  }

  /** Records the agency as done (a repeat is harmless); the last one starts the draw. */
  async notifyDone(agency: number): Promise<void> {
    const first = await this.store.markDone(agency);
    this.log.info('notificacion_recibida', 'success', {
      agencia: agency,
      repetida: first ? undefined : true,
      agencias_listas: `${this.store.doneCount}/${this.expectedAgencies}`,
    });
    this.maybeDraw();
  }

  private maybeDraw(): void {
    if (this.state !== 'open' || this.store.doneCount < this.expectedAgencies) return;
    this.state = 'drawing';
    this.drawing = this.draw();
  }

  /** Resolves once a draw in progress has finished, recorded or failed: only then may storage close. */
  drawSettled(): Promise<void> {
    return this.drawing;
  }

  /** Streams bets.csv once, keeping only the winners' documents per agency. */
  private async draw(): Promise<void> {
    try {
      await this.store.flush();
      const winners = new Map<number, string[]>();
      let bets = 0;
      await this.store.scan((buf, start, end) => {
        bets++;
        if (rowNumber(buf, start, end) !== WINNING_NUMBER) return;
        const agency = rowAgency(buf, start, end);
        const list = winners.get(agency) ?? [];
        list.push(rowDocument(buf, start, end));
        winners.set(agency, list);
      });
      let count = 0;
      for (const list of winners.values()) count += list.length;
      const recorded = this.store.recordedDraw;
      if (recorded === undefined) {
        // The first draw: recorded durably before any winner is told, so it happens once.
        await this.store.recordDraw({ bets, winners: count });
        this.log.info('sorteo', 'success', { apuestas: bets, ganadores: count });
      } else if (recorded.bets === bets && recorded.winners === count) {
        // A restart after the draw: the same result, read again from the same bets.
        this.log.info('sorteo_recuperado', 'success', { apuestas: bets, ganadores: count });
      } else {
        throw new DrawMismatch(`the stored bets (${bets} bets, ${count} winners) differ from the recorded draw (${recorded.bets} bets, ${recorded.winners} winners)`);
      }
      this.winners = winners;
      this.state = 'drawn';
      this.settleDraw.resolve();
    } catch (err) {
      const message = (err as Error).message;
      this.log.error('sorteo', 'fail', { error: message });
      const settle = this.settleDraw;
      if (err instanceof DrawMismatch) {
        this.state = 'failed';
        settle.reject(new DrawFailedError(`the draw failed: ${message}`, { cause: err }));
        return;
      }
      // A storage error (a read or the record failed): nothing was told, and the same bets give
      // the same draw, so the next winners query draws again (its client retries this one).
      this.state = 'interrupted';
      this.awaitDraw();
      settle.reject(new DrawInterruptedError(`the draw was interrupted: ${message}`, { cause: err }));
    }
  }

  /** The agency's winners, once the draw has run; waits for it without polling. */
  async winnersOf(agency: number): Promise<readonly string[]> {
    // Not after shutdown(): its waiters were told SHUTTING_DOWN, and storage is about to close.
    if (this.state === 'interrupted' && !this.stopped) {
      this.state = 'drawing';
      this.drawing = this.draw();
    }
    await this.drawn;
    return this.winners.get(agency) ?? [];
  }

  /** Wakes every winners query still waiting: they get ShuttingDownError. */
  shutdown(): void {
    this.stopped = true;
    if (this.state !== 'drawn' && this.state !== 'failed') this.settleDraw.reject(new ShuttingDownError());
  }
}

/** The bets.csv line of one valid bet (as the lottery stores it). */
export function storedRow(agency: number, bet: BetFields): string {
  const batch = batchOf(agency, 0, [bet]);
  return new StoredRowsWriter().rows(agency, batch.bytes, batch.spans, 0, 1).toString('utf8');
}
