/**
 * The lottery server: a listener, one Session per connection, one Lottery and one BetStore.
 *
 * Concurrency model: Node's single event loop runs every session; none of them ever blocks it
 * (all I/O is asynchronous), so a slow or stalled agency only leaves its own session waiting.
 * Storage is serialized by the BetStore's single writer (see bet-store.ts).
 */
import net from 'node:net';
import type { Logger } from '../log/logger.js';
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

export class LotteryServer {
  private readonly sessions = new Set<Session>();
  private shuttingDown: Promise<void> | undefined;

  private constructor(
    private readonly listener: net.Server,
    private readonly store: BetStore,
    readonly lottery: Lottery,
    private readonly config: ServerConfig,
    private readonly log: Logger,
  ) {}

  /** Opens (and repairs) storage, then listens. On failure, closes whatever it opened and rethrows. */
  static async start(config: ServerConfig, log: Logger): Promise<LotteryServer> {
    const store = await BetStore.open(config.betsFile, log);
    const lottery = new Lottery(store, config.agencies, log);
    const listener = net.createServer({ allowHalfOpen: true });
    const server = new LotteryServer(listener, store, lottery, config, log);
    listener.on('connection', (socket) => server.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ port: config.port, host: config.ip, backlog: config.listenBacklog }, () => {
          listener.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await store.close().catch(() => {});
      throw err;
    }
    listener.on('error', (err) => log.error('listener', 'fail', { error: err.message }));
    const address = server.address;
    log.info('servidor_escuchando', 'success', { ip: address.address, port: address.port, agencias_esperadas: config.agencies });
    lottery.start();
    return server;
  }

  get address(): net.AddressInfo {
    return this.listener.address() as net.AddressInfo;
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  private accept(socket: net.Socket): void {
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    const transport = new SocketTransport(socket);
    if (this.sessions.size >= this.config.maxConnections) {
      this.log.warn('conexion_rechazada', 'fail', { peer: transport.peer, reason: `already ${this.sessions.size} connections` });
      void transport
        .send(encodeError({ code: ErrorCode.TOO_MANY_CONNECTIONS, message: 'too many connections; try again later' }))
        .catch(() => {})
        .then(() => transport.end(500));
      return;
    }
    const session = new Session(transport, this.lottery, this.log, {
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
      const listenerClosed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
      this.lottery.shutdown();
      const stops = Promise.allSettled([...this.sessions].map((s) => s.stop()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stops, new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
      clearTimeout(timer);
      for (const session of this.sessions) session.destroy('shutdown wait expired');
      await listenerClosed;
      this.log.info('close', 'success', { resource: 'listener', port });
      await this.store.close();
      // Peak resident memory of the whole process (kernel's maxrss, KiB → MiB), for capacity runs.
      this.log.info('shutdown', 'success', { signal, peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024) });
    })();
    return this.shuttingDown;
  }
}
