/**
 * What the exactly-once checker concludes about a run (modelled on Jepsen's set checker).
 * A bet's identity is its whole stored row plus its agency, never its document alone: the same
 * person may bet twice.
 */

/** One bet as the checker names it: `agency,first,last,document,birthdate,number`. */
export type BetKey = string;

export interface CheckedSet {
  /** lost | missing | unexpected | duplicated */
  readonly name: 'lost' | 'missing' | 'unexpected' | 'duplicated';
  /** What the set means, in one sentence. */
  readonly meaning: string;
  readonly count: number;
  /** A few members (at most 5), for the report. */
  readonly examples: readonly BetKey[];
}

export interface CheckedCondition {
  readonly name: string;
  readonly ok: boolean;
  /** What was seen, e.g. "1 draw, after all 5 agencies were done". */
  readonly detail: string;
}

export interface CheckResult {
  /** True when every set is empty and every condition holds. */
  readonly valid: boolean;
  /** Bets acknowledged to clients (sum over agencies) and rows in bets.csv. */
  readonly acknowledged: number;
  readonly stored: number;
  readonly sets: readonly CheckedSet[];
  readonly conditions: readonly CheckedCondition[];
}
