/** The production Clock: Node's timers and Date.now, nothing added. */
import { type Clock, sleepOn, type Timer } from './clock.js';

export const nodeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  sleep: (ms, signal) => sleepOn(nodeClock, ms, signal),
};

// Node's Timeout is a Timer: checked here, once, by the compiler.
const _timeoutIsATimer: (t: NodeJS.Timeout) => Timer = (t) => t;
void _timeoutIsATimer;
