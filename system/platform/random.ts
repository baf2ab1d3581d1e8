/** Randomness in the system (the backoff's jitter), behind an interface so that a run can be seeded. */
export interface Random {
  /** A uniform number in [0, 1). */
  next(): number;
}
