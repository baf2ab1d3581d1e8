/**
 * Entry point of dist/client.js. Config: `--config <file>` or CLI_CONFIG, else ./config.yaml if
 * present; CLI_* environment variables override file values (see config.ts).
 * Mode `lottery` (default): send the agency's bets, then learn its winners. Mode `echo`
 * (`mode: echo`, CLI_MODE=echo): the course's echo loop of exercises 1–4 (see echo-loop.ts).
 * Exit codes: 0 when the winners are known, the loop finished, or after SIGTERM; 1 on a failure
 * or unusable rows; 2 on bad config.
 */
import { startupSnapshot } from 'node:v8';
import { ConfigError } from '../config/config-error.js';
import { configPath } from '../config/config-path.js';
import { exitOnCrash, Logger, parseLogFormat, stdoutSink } from '../log/logger.js';
import { nodePlatform } from '../platform/node-platform.js';
import { SocketTransport } from '../transport/socket-transport.js';
import { AgencyClient } from './agency-client.js';
import { type BetSource, chooseSource } from './bet-source.js';
import { describeClientConfig, type LoadedClientConfig, loadClientConfig } from './config.js';
import { EchoLoop } from './echo-loop.js';

const { network, clock } = nodePlatform;
const connect = (host: string, port: number, signal?: AbortSignal) => SocketTransport.connect(network, clock, host, port, undefined, signal);

async function main(log: Logger, args: readonly string[]): Promise<number> {
  // Signal handlers first: as PID 1 in a container, a signal without a handler is ignored.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    log.info('shutdown', 'in_progress', { signal });
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let loaded: LoadedClientConfig;
  try {
    loaded = loadClientConfig(configPath(args, process.env, 'CLI_CONFIG'));
  } catch (err) {
    log.error('config', 'fail', { error_type: (err as Error).name, error: (err as Error).message });
    return err instanceof ConfigError ? 2 : 1;
  }
  log.withLevel(loaded.config.logLevel);
  log.info('config', 'success', describeClientConfig(loaded));
  for (const k of loaded.ignored) log.warn('config_key_ignored', 'success', { file: loaded.source, key: k.key, reason: k.reason });
  if (loaded.config.mode === 'echo') return runEchoLoop(loaded, log, controller.signal);

  let source: BetSource;
  try {
    source = chooseSource(loaded.config.dataFile, loaded.config.id, process.env, log, nodePlatform.disk);
  } catch (err) {
    log.error('config', 'fail', { error_type: (err as Error).name, error: (err as Error).message });
    return err instanceof ConfigError ? 2 : 1;
  }

  const client = new AgencyClient(loaded.config, source, connect, log, controller.signal, nodePlatform);
  try {
    const outcome = await client.run();
    if (outcome.kind === 'stopped') {
      log.info('shutdown', 'success', { agencia: loaded.config.id });
      return 0;
    }
    if (outcome.invalidRows > 0) {
      log.error('leer_apuestas', 'fail', { source: source.description, filas_invalidas: outcome.invalidRows, apuestas: outcome.bets });
      return 1;
    }
    // Not `exit`: the course's tests read an `action: exit` line as "a container exited".
    log.info('client_finished', 'success', { agencia: loaded.config.id, apuestas: outcome.bets, ganadores: outcome.winners.length });
    return 0;
  } catch (err) {
    log.error('client_finished', 'fail', { agencia: loaded.config.id, error: (err as Error).message });
    return 1;
  }
}

async function runEchoLoop(loaded: LoadedClientConfig, log: Logger, signal: AbortSignal): Promise<number> {
  const id = loaded.config.id;
  try {
    const outcome = await new EchoLoop(loaded.config, connect, log, signal, nodePlatform).run();
    if (outcome.kind === 'stopped') log.info('shutdown', 'success', { client_id: id, mensajes: outcome.messages });
    return 0;
  } catch (err) {
    log.error('receive_message', 'fail', { client_id: id, error: (err as Error).message });
    return 1;
  }
}

/** The process: `args` are the arguments after the script's name. */
function start(args: readonly string[]): void {
  const log = new Logger('INFO', stdoutSink, parseLogFormat(process.env.LOG_FORMAT), () => new Date(clock.now()));
  // An uncaught error is logged (`crash`) and exits 1; every line is written before the process ends.
  exitOnCrash(log);
  void main(log, args).then((code) => {
    process.exitCode = code;
    // Done: exit even if a stray handle lingers (a name lookup of a server that is gone can take seconds).
    setTimeout(() => process.exit(code), 200).unref();
  });
}

// The client image starts from a V8 startup snapshot of this program (docker/client.Dockerfile):
// the modules are loaded once, when the image is built, and each process runs `start` from the
// snapshot (it has no script name in argv then). Otherwise, as any script, it starts now.
if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(() => start(process.argv.slice(1)));
else start(process.argv.slice(2));
