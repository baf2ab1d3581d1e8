/** The production Random: Math.random. */
import type { Random } from './random.js';

export const nodeRandom: Random = { next: () => Math.random() };
