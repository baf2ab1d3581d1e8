/** The lottery's domain: pure data and rules, no I/O. */

/** A bet exactly as it travels and as it is read from a file: every field is text. */
export interface BetFields {
  readonly firstName: string;
  readonly lastName: string;
  readonly document: string;
  readonly birthdate: string;
  readonly number: string;
}

/** A validated bet of one agency. */
export interface Bet {
  readonly agency: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly document: string;
  readonly birthdate: string;
  readonly number: number;
}

export const WINNING_NUMBER = 7574;
export const MAX_BET_NUMBER = 9999;
export const MAX_AGENCY_ID = 0xffff_ffff;

export function isWinner(bet: { readonly number: number }): boolean {
  return bet.number === WINNING_NUMBER;
}
