/**
 * The lottery server: a listener, one Session per connection, one Lottery and one BetStore.
 *
 * Concurrency model: Node's single event loop runs every session; none of them ever blocks it
 * (all I/O is asynchronous), so a slow or stalled agency only leaves its own session waiting.
 * Storage is serialized by the BetStore's single writer (see bet-store.ts).
 */
import type { Logger } from '../log/logger.js';
import type { Timer } from '../platform/clock.js';
import type { ByteStream, ListenAddress, Listener } from '../platform/network.js';
import type { Platform } from '../platform/platform.js';
import { ErrorCode } from '../protocol/constants.js';
import { encodeError } from '../protocol/serializer.js';
import { SocketTransport } from '../transport/socket-transport.js';
import { BetStore } from './bet-store.js';
import type { ServerConfig } from './config.js';
import { Lottery } from './lottery.js';
import { Session } from './session.js';

/** Requests a connection may have read ahead of their answers. */
const MAX_IN_FLIGHT = 16;
/** How long shutdown waits for sessions to finish their answers and close. */
const SHUTDOWN_WAIT_MS = 3000;

/** What only a real process knows (platform/node-process.ts): its peak memory for the shutdown line, left out when absent. */
export interface ServerProcessInfo {
  readonly peakRssMib?: () => number;
}

export class LotteryServer {
  private readonly sessions = new Set<Session>();
  private shuttingDown: Promise<void> | undefined;

  private listener!: Listener;

  private constructor(
    private readonly platform: Platform,
    private readonly processInfo: ServerProcessInfo,
    private readonly store: BetStore,
    readonly lottery: Lottery,
    private readonly config: ServerConfig,
    private readonly log: Logger,
  ) {}

  /**
   * Opens (and repairs) storage on `platform.disk`, then listens on `platform.network`. On
   * failure, closes whatever it opened and rethrows.
   */
  static async start(config: ServerConfig, log: Logger, platform: Platform, processInfo: ServerProcessInfo = {}): Promise<LotteryServer> {
    const store = await BetStore.open(config.betsFile, log, platform.disk);
    const lottery = new Lottery(store, config.agencies, log);
    const server = new LotteryServer(platform, processInfo, store, lottery, config, log);
    let listener: Listener;
    try {
      // The server exists before the listener: a connection is never accepted by no one.
      listener = await platform.network.listen(
        { port: config.port, host: config.ip, backlog: config.listenBacklog, allowHalfOpen: true },
        (socket) => server.accept(socket),
      );
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    server.listener = listener;
    listener.on('error', (err) => log.error('listener', 'fail', { error: err.message }));
    const address = server.address;
    log.info('servidor_escuchando', 'success', { ip: address.address, port: address.port, agencias_esperadas: config.agencies });
    lottery.start();
    return server;
  }

  get address(): ListenAddress {
    return this.listener.address;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  private accept(socket: ByteStream): void {
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    const transport = new SocketTransport(socket, this.platform.clock);
    if (this.sessions.size >= this.config.maxConnections) {
      this.log.warn('conexion_rechazada', 'fail', { peer: transport.peer, reason: `already ${this.sessions.size} connections` });
      void transport
        .send(encodeError({ code: ErrorCode.TOO_MANY_CONNECTIONS, message: 'too many connections; try again later' }))
        .catch(() => {})
        .then(() => transport.end(500));
      return;
    }
    const session = new Session(transport, this.lottery, this.log, {
      clock: this.platform.clock,
      idleTimeoutMs: this.config.idleTimeoutMs,
      maxInFlight: MAX_IN_FLIGHT,
    });
    this.sessions.add(session);
    session
      .run()
      .catch((err: Error) => this.log.error('sesion', 'fail', { peer: session.peer, error: err.message }))
      .finally(() => this.sessions.delete(session));
  }

  /**
   * Graceful stop: no new connections, waiting winners queries are woken, every session sends
   * the answers already due (batches already queued finish their commit; nothing is half
   * stored) and closes, then the files close. Each close is logged.
   */
  shutdown(signal = 'SIGTERM'): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.log.info('shutdown', 'in_progress', { signal, connections: this.sessions.size });
      const port = this.address.port;
      const listenerClosed = this.listener.close();
      this.lottery.shutdown();
      const stops = Promise.allSettled([...this.sessions].map((s) => s.stop()));
      const { clock } = this.platform;
      let timer: Timer | undefined;
      await Promise.race([stops, new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
      clock.clearTimeout(timer);
      for (const session of this.sessions) session.destroy('shutdown wait expired');
      await listenerClosed;
      this.log.info('close', 'success', { resource: 'listener', port });
      // A draw still running finishes first (recorded, then logged): closing storage under it would fail it.
      await this.lottery.drawSettled();
      await this.store.close();
      this.log.info('shutdown', 'success', { signal, peak_rss_mib: this.processInfo.peakRssMib?.() });
    })();
    return this.shuttingDown;
  }
}
