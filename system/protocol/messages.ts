import type { BetFields } from '../domain/bet.js';
import type { ErrorCode } from './constants.js';

/** Every message of the protocol: a tagged union on `type`. */
export type Message =
  /** Client → server: "I speak for this agency". The server answers with `status`. */
  | { readonly type: 'hello'; readonly agency: number }
  /** Server → client: how many of this agency's bets are stored (where to resume), and whether the draw ran. */
  | { readonly type: 'status'; readonly agency: number; readonly stored: number; readonly drawDone: boolean }
  /** One bet, at position `index` of the agency's stream of bets (exercise 5). Answered by `batch_result`. */
  | { readonly type: 'bet'; readonly agency: number; readonly index: number; readonly bet: BetFields }
  /**
   * Bets at positions firstIndex … firstIndex + count - 1 of the agency's stream. `bytes` are
   * their wire bytes (bet-text.ts; well-formed UTF-8, a view into the received payload);
   * `spans` says where each bet's fields lie in them, as byte offsets (10 numbers per bet).
   * Build one with batchOf(); read the bets with betsOf().
   */
  | {
      readonly type: 'batch';
      readonly agency: number;
      readonly firstIndex: number;
      readonly count: number;
      readonly bytes: Uint8Array;
      readonly spans: Int32Array;
    }
  /** The answer to `bet` or `batch`: code OK and every bet stored, or an error code and none stored. */
  | {
      readonly type: 'batch_result';
      readonly code: ErrorCode;
      readonly firstIndex: number;
      readonly count: number;
      readonly detail: string;
    }
  /** Client → server: this agency has sent all its bets. Repeating it is harmless. */
  | { readonly type: 'done'; readonly agency: number }
  /** Client → server: the agency's winners; answered once the draw has run. */
  | { readonly type: 'winners_query'; readonly agency: number }
  /** Server → client: one part of the winners' documents; `last` marks the final part. */
  | { readonly type: 'winners'; readonly agency: number; readonly last: boolean; readonly documents: readonly string[] }
  /** Either way: the server answers with the same bytes. */
  | { readonly type: 'echo'; readonly data: Buffer }
  /** Server → client before it closes a connection on a protocol error. */
  | { readonly type: 'error'; readonly code: ErrorCode; readonly message: string };

export type MessageOf<T extends Message['type']> = Extract<Message, { type: T }>;
