/**
 * Entry point of dist/client.js. Config: `--config <file>` or CLI_CONFIG, else ./config.yaml if
 * present; CLI_* environment variables override file values (see config.ts).
 * Exit codes: 0 when the winners are known (or after SIGTERM), 1 on a failure or unusable rows,
 * 2 on bad config.
 */
import { ConfigError } from '../config/config-error.js';
import { configPath } from '../config/config-path.js';
import { exitOnCrash, Logger, parseLogFormat, stdoutSink } from '../log/logger.js';
import { SocketTransport } from '../transport/socket-transport.js';
import { AgencyClient } from './agency-client.js';
import { type BetSource, chooseSource } from './bet-source.js';
import { describeClientConfig, loadClientConfig } from './config.js';

const log = new Logger('INFO', stdoutSink, parseLogFormat(process.env.LOG_FORMAT));
// An uncaught error is logged (`crash`) and exits 1; every line is written before the process ends.
exitOnCrash(log);

async function main(): Promise<number> {
  // Signal handlers first: as PID 1 in a container, a signal without a handler is ignored.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    log.info('shutdown', 'in_progress', { signal });
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let loaded;
  let source: BetSource;
  try {
    loaded = loadClientConfig(configPath(process.argv.slice(2), process.env, 'CLI_CONFIG'));
    log.withLevel(loaded.config.logLevel);
    log.info('config', 'success', describeClientConfig(loaded));
    source = chooseSource(loaded.config.dataFile, loaded.config.id, process.env, log);
  } catch (err) {
    log.error('config', 'fail', { error: (err as Error).message });
    return err instanceof ConfigError ? 2 : 1;
  }

  const client = new AgencyClient(loaded.config, source, (host, port) => SocketTransport.connect(host, port), log, controller.signal);
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
    log.info('exit', 'success', { agencia: loaded.config.id, apuestas: outcome.bets, ganadores: outcome.winners.length });
    return 0;
  } catch (err) {
    log.error('exit', 'fail', { agencia: loaded.config.id, error: (err as Error).message });
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
