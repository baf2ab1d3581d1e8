/** The messages of the README's table, as the harness speaks and reads them: a tagged union on `type`. */

/** A bet's five fields as text, in wire order. */
export interface WireBet {
  readonly firstName: string;
  readonly lastName: string;
  readonly document: string;
  readonly birthdate: string;
  readonly number: string;
}

export type WireMessage =
  | { readonly type: 'hello'; readonly agency: number }
  | { readonly type: 'status'; readonly agency: number; readonly stored: number; readonly drawDone: boolean }
  | { readonly type: 'bet'; readonly agency: number; readonly position: number; readonly bet: WireBet }
  | { readonly type: 'batch'; readonly agency: number; readonly firstPosition: number; readonly bets: readonly WireBet[] }
  | { readonly type: 'batch_result'; readonly code: number; readonly firstPosition: number; readonly count: number; readonly detail: string }
  | { readonly type: 'done'; readonly agency: number }
  | { readonly type: 'winners_query'; readonly agency: number }
  | { readonly type: 'winners'; readonly agency: number; readonly last: boolean; readonly documents: readonly string[] }
  | { readonly type: 'echo'; readonly data: Uint8Array }
  | { readonly type: 'error'; readonly code: number; readonly message: string };

export type WireMessageOf<T extends WireMessage['type']> = Extract<WireMessage, { type: T }>;
