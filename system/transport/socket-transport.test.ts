import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEcho } from '../protocol/serializer.js';
import { nodeClock } from '../platform/node-clock.js';
import { nodeNetwork } from '../platform/node-network.js';
import { SocketTransport } from './socket-transport.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A peer that, on connect, writes `frames` echo frames of `size` bytes, and ends once the other side does. */
async function floodingPeer(frames: number, size: number): Promise<number> {
  const server = net.createServer((socket) => {
    const frame = encodeEcho({ data: Buffer.alloc(size, 0x61) });
    for (let i = 0; i < frames; i++) socket.write(frame);
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('SocketTransport.end', () => {
  it('drains a socket the peer filled (reading paused at the high-water mark) and closes once the peer does, not at the timeout', async () => {
    const port = await floodingPeer(2000, 1000);
    const transport = await SocketTransport.connect(nodeNetwork, nodeClock, '127.0.0.1', port);
    // Never read: the queue fills and the socket pauses, with the rest of the 2 MB still coming.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const timeoutMs = 20_000;
    const outcome = await Promise.race([
      transport.end(timeoutMs).then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000)),
    ]);
    expect(outcome).toBe('closed');
    expect(transport.closed).toBe(true);
  });

  it('closes a quiet connection at once when the peer closes', async () => {
    const port = await floodingPeer(0, 0);
    const transport = await SocketTransport.connect(nodeNetwork, nodeClock, '127.0.0.1', port);
    await transport.end(5000);
    expect(transport.closed).toBe(true);
  });
});
