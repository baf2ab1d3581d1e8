/**
 * Test support (exit-flush.test.ts): logs DEBUG lines that wait for the end of the event-loop
 * turn, then throws an uncaught error in the same turn. exitOnCrash must log `crash` and
 * exit 1 with every line written. LOG_FORMAT as in the entry points; CRASH_LINES lines.
 */
import { exitOnCrash, Logger, parseLogFormat, stdoutSink } from '../log/logger.js';

const log = new Logger('DEBUG', stdoutSink, parseLogFormat(process.env.LOG_FORMAT));
exitOnCrash(log);
const lines = Number(process.env.CRASH_LINES ?? '1000');
setTimeout(() => {
  for (let i = 0; i < lines; i++) log.debug('apuesta_almacenada', 'success', { dni: String(i), numero: 7574 });
  throw new Error('boom: a bug nobody caught');
}, 10);
