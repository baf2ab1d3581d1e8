/** The production Platform: Node's timers, net, fs and Math.random. Only entry points and tests take it. */
import { nodeClock } from './node-clock.js';
import { nodeDisk } from './node-disk.js';
import { nodeNetwork } from './node-network.js';
import { nodeRandom } from './node-random.js';
import type { Platform } from './platform.js';

export const nodePlatform: Platform = { clock: nodeClock, network: nodeNetwork, disk: nodeDisk, random: nodeRandom };
