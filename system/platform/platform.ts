import type { Clock } from './clock.js';
import type { Disk } from './disk.js';
import type { Network } from './network.js';
import type { Random } from './random.js';

/**
 * Everything the server and the client take from their surroundings. Production passes
 * nodePlatform() (node-platform.ts); the simulator passes one per simulated process.
 * Layering: the domain and the protocol never see it; transport takes the network and the
 * clock; server and client take the whole of it.
 */
export interface Platform {
  readonly clock: Clock;
  readonly network: Network;
  readonly disk: Disk;
  readonly random: Random;
}
