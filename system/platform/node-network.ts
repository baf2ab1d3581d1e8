/**
 * The production Network: node:net. A ByteStream is the net.Socket itself (with Nagle off, as
 * the transport always set it), so behaviour is exactly what the transport had with net directly.
 * Names are looked up through c-ares, cancelled with the connect's signal (node-lookup.ts).
 */
import net from 'node:net';
import type { ByteStream, Listener, ListenOptions, Network } from './network.js';
import { cancellableLookup } from './node-lookup.js';

class NodeListener implements Listener {
  constructor(private readonly server: net.Server) {}

  get address(): net.AddressInfo {
    return this.server.address() as net.AddressInfo;
  }

  close(): Promise<void> {
    // Node calls back once every connection has ended (with an error if it was not listening).
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  on(event: 'error', listener: (err: Error) => void): this {
    this.server.on(event, listener);
    return this;
  }
}

export const nodeNetwork: Network = {
  listen(options: ListenOptions, onConnection: (stream: ByteStream) => void): Promise<Listener> {
    const server = net.createServer({ allowHalfOpen: options.allowHalfOpen });
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      onConnection(socket);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: options.port, host: options.host, backlog: options.backlog }, () => {
        server.off('error', reject);
        resolve(new NodeListener(server));
      });
    });
  },

  connect(host: string, port: number, signal?: AbortSignal): Promise<ByteStream> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const socket = net.connect({ host, port, lookup: cancellableLookup(signal) });
      const onAbort = () => {
        socket.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(socket);
      });
      socket.once('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(err);
      });
    });
  },
};
