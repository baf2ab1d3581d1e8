/**
 * Entry point of dist/server.js. Config: `--config <file>` or SERVER_CONFIG, else ./config.ini
 * if present; environment variables override file values (see config.ts).
 * Exit codes: 0 after a graceful SIGTERM/SIGINT, 1 on a runtime failure, 2 on bad config.
 */
import { ConfigError } from '../config/config-error.js';
import { configPath } from '../config/config-path.js';
import { exitOnCrash, Logger, parseLogFormat, stdoutSink } from '../log/logger.js';
import { nodePlatform } from '../platform/node-platform.js';
import { nodeProcessInfo } from '../platform/node-process.js';
import { describeServerConfig, loadServerConfig } from './config.js';
import { LotteryServer } from './server.js';

const log = new Logger('INFO', stdoutSink, parseLogFormat(process.env.LOG_FORMAT), () => new Date(nodePlatform.clock.now()));
// An uncaught error is logged (`crash`) and exits 1; every line is written before the process ends.
exitOnCrash(log);

async function main(): Promise<void> {
  // Signal handlers first: as PID 1 in a container, a signal without a handler is ignored.
  let server: LotteryServer | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (!server) {
      // Still starting: stop as soon as it is up (or at once if it never gets there).
      stopRequested ??= signal;
      return;
    }
    server.shutdown(signal).then(
      () => {
        process.exitCode = 0;
        // Everything is closed; exit even if a stray handle lingers.
        setTimeout(() => process.exit(0), 200).unref();
      },
      (err: Error) => {
        log.error('shutdown', 'fail', { error: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  let loaded;
  try {
    loaded = loadServerConfig(configPath(process.argv.slice(2), process.env, 'SERVER_CONFIG'));
  } catch (err) {
    log.error('config', 'fail', { error_type: (err as Error).name, error: (err as Error).message });
    process.exitCode = err instanceof ConfigError ? 2 : 1;
    return;
  }
  log.withLevel(loaded.config.loggingLevel);
  log.info('config', 'success', describeServerConfig(loaded));
  for (const k of loaded.ignored) log.warn('config_key_ignored', 'success', { file: loaded.source, key: k.key, line: k.line, reason: k.reason });
  if (stopRequested) {
    log.info('shutdown', 'success', { signal: stopRequested, reason: 'stopped before it started' });
    return;
  }
  try {
    server = await LotteryServer.start(loaded.config, log, nodePlatform, nodeProcessInfo);
  } catch (err) {
    log.error('servidor_escuchando', 'fail', { error: (err as Error).message });
    process.exitCode = 1;
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGINT', stop);
    return;
  }
  if (stopRequested) stop(stopRequested);
}

void main();
