import net from 'node:net';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEcho } from '../protocol/serializer.js';
import { nodeClock } from '../platform/node-clock.js';
import { nodeNetwork } from '../platform/node-network.js';
import type { ByteStream } from '../platform/network.js';
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

/** A ByteStream that records its writes; `failWrites` makes every write's callback get an error. */
class RecordingStream extends EventEmitter {
  readonly writes: Buffer[] = [];
  destroyed = false;
  writableEnded = false;
  failWrites = false;
  readonly remoteAddress = '10.0.0.1';
  readonly remotePort = 1;
  private paused = false;
  write(chunk: Buffer, callback?: (err?: Error | null) => void): boolean {
    this.writes.push(chunk);
    const err = this.failWrites ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null;
    process.nextTick(() => callback?.(err));
    return true;
  }
  end(): this {
    this.writableEnded = true;
    process.nextTick(() => {
      this.destroyed = true;
      this.emit('close');
    });
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
  pause(): this {
    this.paused = true;
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  isPaused(): boolean {
    return this.paused;
  }
}

const frame = (text: string): Buffer => encodeEcho({ data: Buffer.from(text) });

describe('SocketTransport.send', () => {
  it('writes what one turn sends, awaits between sends included, as one chunk in order, and settles every send', async () => {
    const stream = new RecordingStream();
    const transport = new SocketTransport(stream as unknown as ByteStream, nodeClock);
    const sent = (async () => {
      const a = transport.send(frame('a'));
      await Promise.resolve();
      const b = transport.send([frame('b'), frame('c')]);
      await null;
      const c = transport.send(frame('d'));
      return Promise.all([a, b, c]);
    })();
    await sent;
    expect(stream.writes).toHaveLength(1);
    expect(stream.writes[0]).toEqual(Buffer.concat(['a', 'b', 'c', 'd'].map(frame)));
  });

  it('writes sends of different turns separately', async () => {
    const stream = new RecordingStream();
    const transport = new SocketTransport(stream as unknown as ByteStream, nodeClock);
    await transport.send(frame('a'));
    await new Promise((resolve) => setImmediate(resolve));
    await transport.send(frame('b'));
    expect(stream.writes).toEqual([frame('a'), frame('b')]);
  });

  it('rejects every send of a write that fails', async () => {
    const stream = new RecordingStream();
    stream.failWrites = true;
    const transport = new SocketTransport(stream as unknown as ByteStream, nodeClock);
    const results = await Promise.allSettled([transport.send(frame('a')), transport.send(frame('b'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(stream.writes).toHaveLength(1);
  });

  it('rejects sends queued when the stream is destroyed before their turn ends', async () => {
    const stream = new RecordingStream();
    const transport = new SocketTransport(stream as unknown as ByteStream, nodeClock);
    const pending = transport.send(frame('a'));
    transport.destroy();
    await expect(pending).rejects.toThrow(/connection closed/);
    expect(stream.writes).toHaveLength(0);
  });

  it('end() writes what was queued before it ends the stream', async () => {
    const stream = new RecordingStream();
    const transport = new SocketTransport(stream as unknown as ByteStream, nodeClock);
    const pending = transport.send(frame('last'));
    await transport.end(1000);
    await pending;
    expect(stream.writes).toEqual([frame('last')]);
    expect(stream.writableEnded).toBe(true);
  });
});
