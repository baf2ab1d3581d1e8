/**
 * The server's and the client's entry points (system/server/main.ts, system/client/main.ts) as
 * simulated programs: the same steps on a ProcessContext instead of `process`. The configs come
 * as objects (the simulator does not read INI or YAML files); the log goes to the process's
 * standard output through a synchronous sink, stamped by the process's simulated clock.
 */
import { AgencyClient } from '../../system/client/agency-client.js';
import { chooseSource } from '../../system/client/bet-source.js';
import type { ClientConfig } from '../../system/client/config.js';
import { Logger, type LogSink } from '../../system/log/logger.js';
import type { ServerConfig } from '../../system/server/config.js';
import { LotteryServer } from '../../system/server/server.js';
import { SocketTransport } from '../../system/transport/socket-transport.js';
import type { ProcessContext, Program } from '../process/sim-process.js';

/** main.ts's guard: once done, exit after this long even if a handle lingers. */
export const EXIT_GUARD_MS = 200;

/** What the programs tell the run besides their output. */
export interface ProgramEvents {
  /** The exit guard found the process still held by a handle (production would hide it). */
  lingered(name: string, incarnation: number): void;
}

function loggerFor(ctx: ProcessContext, level: Logger['currentLevel']): Logger {
  const sink: LogSink = { write: (line) => ctx.stdout.write(line), flush() {} };
  const { clock } = ctx.platform;
  return new Logger(level, sink, 'text', () => new Date(clock.now()));
}

/** main.ts's unref'd exit timer: Node would have exited by itself unless something still holds it. */
function exitGuard(ctx: ProcessContext, code: number, events: ProgramEvents): void {
  ctx.platform.clock
    .setTimeout(() => {
      events.lingered(ctx.name, ctx.incarnation);
      ctx.exit(code);
    }, EXIT_GUARD_MS)
    .unref();
}

/** server/main.ts: start (storage, then listening); SIGTERM runs the graceful shutdown. */
export function serverProgram(config: ServerConfig, events: ProgramEvents): Program {
  return async (ctx) => {
    const log = loggerFor(ctx, config.loggingLevel);
    let server: LotteryServer | undefined;
    let stopRequested = false;
    const stop = () => {
      if (!server) {
        stopRequested = true;
        return;
      }
      server.shutdown('SIGTERM').then(
        () => {
          ctx.exitCode = 0;
          exitGuard(ctx, 0, events);
        },
        (err: Error) => {
          log.error('shutdown', 'fail', { error: err.message });
          ctx.exit(1);
        },
      );
    };
    ctx.onSignal('SIGTERM', stop);
    if (stopRequested) return;
    try {
      server = await LotteryServer.start(config, log, ctx.platform);
    } catch (err) {
      log.error('servidor_escuchando', 'fail', { error: (err as Error).message });
      ctx.exitCode = 1;
      return;
    }
    if (stopRequested) stop();
  };
}

/** client/main.ts in lottery mode: its bets, then its winners; SIGTERM stops it (exit 0). */
export function clientProgram(config: ClientConfig, events: ProgramEvents): Program {
  return async (ctx) => {
    const log = loggerFor(ctx, config.logLevel);
    const controller = new AbortController();
    ctx.onSignal('SIGTERM', () => {
      if (controller.signal.aborted) return;
      log.info('shutdown', 'in_progress', { signal: 'SIGTERM' });
      controller.abort();
    });
    const code = await runClient(ctx, config, log, controller.signal);
    ctx.exitCode = code;
    exitGuard(ctx, code, events);
  };
}

async function runClient(ctx: ProcessContext, config: ClientConfig, log: Logger, signal: AbortSignal): Promise<number> {
  const { platform } = ctx;
  let source;
  try {
    source = chooseSource(config.dataFile, config.id, {}, log, platform.disk);
  } catch (err) {
    log.error('config', 'fail', { error_type: (err as Error).name, error: (err as Error).message });
    return 1;
  }
  const connect = (host: string, port: number, s?: AbortSignal) => SocketTransport.connect(platform.network, platform.clock, host, port, undefined, s);
  const client = new AgencyClient(config, source, connect, log, signal, platform);
  try {
    const outcome = await client.run();
    if (outcome.kind === 'stopped') {
      log.info('shutdown', 'success', { agencia: config.id });
      return 0;
    }
    if (outcome.invalidRows > 0) {
      log.error('leer_apuestas', 'fail', { source: source.description, filas_invalidas: outcome.invalidRows, apuestas: outcome.bets });
      return 1;
    }
    log.info('client_finished', 'success', { agencia: config.id, apuestas: outcome.bets, ganadores: outcome.winners.length });
    return 0;
  } catch (err) {
    log.error('client_finished', 'fail', { agencia: config.id, error: (err as Error).message });
    return 1;
  }
}
