/** The Network contract (see contract.ts): what the transport relies on of a ByteStream. */
import assert from 'node:assert/strict';
import type { ByteStream, Listener, Network } from '../network.js';
import type { ContractCase, ContractEnv } from './contract.js';

const HALF_OPEN = { port: 0, backlog: 16, allowHalfOpen: true };

/** Listens; the server side of each connection goes into `accepted` (and to `onConnection`). */
async function serve(network: Network, env: ContractEnv, onConnection: (s: ByteStream) => void = () => {}) {
  const accepted: ByteStream[] = [];
  const listener = await network.listen({ ...HALF_OPEN, host: env.host }, (s) => {
    accepted.push(s);
    onConnection(s);
  });
  return { listener, accepted, port: listener.address.port };
}

/** Every byte until `end`. */
function readAll(stream: ByteStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk) => parts.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

function closed(stream: ByteStream): Promise<void> {
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

function written(stream: ByteStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stream.write(chunk, (err) => (err ? reject(err) : resolve())));
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

async function stop(listener: Listener, streams: ByteStream[]): Promise<void> {
  for (const s of streams) s.destroy();
  await listener.close();
}

export const networkContract: readonly ContractCase[] = [
  {
    name: 'bytes arrive whole and in order (many writes, any chunking); write callbacks come in order',
    async run({ network, clock }, env) {
      let received: Promise<Buffer> | undefined;
      const { listener, port, accepted } = await serve(network, env, (s) => (received = readAll(s)));
      const client = await network.connect(env.host, port);
      const sent: Buffer[] = [];
      const done: number[] = [];
      for (let i = 0; i < 60; i++) {
        const chunk = pattern(1 + ((i * 7919) % 9000), i);
        sent.push(chunk);
        client.write(chunk, () => done.push(i));
      }
      client.end();
      while (!received) await clock.sleep(1);
      assert.ok((await received).equals(Buffer.concat(sent)));
      assert.deepEqual(done, [...Array(60).keys()]);
      await stop(listener, [client, ...accepted]);
    },
  },
  {
    name: 'half-close: the server reads to `end`, still answers, then both sides close',
    async run({ network }, env) {
      let served!: Promise<void>;
      const { listener, port } = await serve(network, env, (s) => {
        served = readAll(s).then(async (request) => {
          s.write(Buffer.concat([Buffer.from('got '), request]));
          s.end();
          await closed(s);
        });
      });
      const client = await network.connect(env.host, port);
      const answer = readAll(client);
      const clientClosed = closed(client);
      client.write(Buffer.from('ping'));
      client.end();
      assert.equal((await answer).toString(), 'got ping');
      await clientClosed;
      await served;
      assert.equal(client.destroyed, true);
      await listener.close();
    },
  },
  {
    name: 'a port nobody listens on refuses: ECONNREFUSED',
    async run({ network }, env) {
      const { listener, port } = await serve(network, env);
      await listener.close();
      await assert.rejects(network.connect(env.host, port), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
    },
  },
  {
    name: 'a port in use: EADDRINUSE',
    async run({ network }, env) {
      const { listener, port } = await serve(network, env);
      await assert.rejects(network.listen({ ...HALF_OPEN, host: env.host, port }, () => {}), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE');
      await listener.close();
    },
  },
  {
    name: 'paused: no data until resume, then the buffered bytes and `end`; an empty paused socket still sees `end`',
    async run({ network, clock }, env) {
      const { listener, port, accepted } = await serve(network, env, (s) => s.pause());
      const a = await network.connect(env.host, port);
      const b = await network.connect(env.host, port);
      while (accepted.length < 2) await clock.sleep(1);
      const [sa, sb] = accepted as [ByteStream, ByteStream];
      const events: string[] = [];
      sa.on('data', (d) => events.push(`a:data ${d.toString()}`)).on('end', () => events.push('a:end'));
      sb.on('data', () => events.push('b:data')).on('end', () => events.push('b:end'));
      await written(a, Buffer.from('hello'));
      a.end();
      b.end();
      await clock.sleep(30);
      assert.deepEqual(events, ['b:end']);
      sa.resume();
      await clock.sleep(30);
      // The bytes (in one chunk or several), then `end`.
      const ofA = events.filter((e) => e.startsWith('a:'));
      assert.equal(ofA.at(-1), 'a:end');
      assert.equal(ofA.slice(0, -1).map((e) => e.slice('a:data '.length)).join(''), 'hello');
      await stop(listener, [a, b, sa, sb]);
    },
  },
  {
    name: 'destroy(): the peer sees `end` and `close`; writing afterwards fails with ERR_STREAM_DESTROYED',
    async run({ network, clock }, env) {
      const { listener, port, accepted } = await serve(network, env);
      const client = await network.connect(env.host, port);
      while (accepted.length < 1) await clock.sleep(1);
      const server = accepted[0] as ByteStream;
      const events: string[] = [];
      client.on('end', () => events.push('end')).on('error', (e) => events.push(`error ${(e as NodeJS.ErrnoException).code}`));
      client.on('data', () => {});
      const clientClosed = closed(client);
      const serverClosed = closed(server);
      server.destroy();
      assert.equal(server.destroyed, true);
      await serverClosed;
      await clientClosed;
      assert.deepEqual(events, ['end']);
      await assert.rejects(written(server, Buffer.from('x')), (err: NodeJS.ErrnoException) => err.code === 'ERR_STREAM_DESTROYED');
      await listener.close();
    },
  },
  {
    name: 'listener.close() waits for the connections it accepted, a half-open one until the server ends it',
    async run({ network, clock }, env) {
      const { listener, port, accepted } = await serve(network, env);
      const client = await network.connect(env.host, port);
      while (accepted.length < 1) await clock.sleep(1);
      let closedListener = false;
      const closing = listener.close().then(() => (closedListener = true));
      await clock.sleep(20);
      assert.equal(closedListener, false);
      await assert.rejects(network.connect(env.host, port), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
      client.destroy();
      // The server's side is half-open (allowHalfOpen): it stays until the server ends it too.
      await clock.sleep(20);
      assert.equal(closedListener, false);
      (accepted[0] as ByteStream).end();
      await closing;
    },
  },
  {
    name: 'an aborted connect rejects with the signal\'s reason; peers know each other\'s address',
    async run({ network, clock }, env) {
      const { listener, port, accepted } = await serve(network, env);
      const controller = new AbortController();
      controller.abort(new Error('gave up'));
      await assert.rejects(network.connect(env.host, port, controller.signal), /gave up/);
      const client = await network.connect(env.host, port);
      assert.equal(client.remotePort, port);
      assert.equal(typeof client.remoteAddress, 'string');
      while (accepted.length < 1) await clock.sleep(1);
      assert.equal(typeof (accepted[0] as ByteStream).remotePort, 'number');
      await stop(listener, [client, ...accepted]);
    },
  },
];
