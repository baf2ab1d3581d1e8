import dgram from 'node:dgram';
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cancellableLookup } from './node-lookup.js';

/** A DNS server on loopback that reads every query and never answers (an upstream that is gone). */
let silent: dgram.Socket;
let servers: string[];
beforeEach(async () => {
  servers = dns.getServers();
  silent = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  dns.setServers([`127.0.0.1:${silent.address().port}`]);
});
afterEach(() => {
  dns.setServers(servers);
  silent.close();
});

function lookup(host: string, options: dns.LookupOptions, signal?: AbortSignal) {
  return new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
    cancellableLookup(signal)(host, options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('cancellableLookup', () => {
  it('answers localhost itself, in both callback shapes', async () => {
    expect(await lookup('localhost', {})).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    expect(await lookup('localhost', { all: true })).toEqual({ err: null, address: [{ address: '127.0.0.1', family: 4 }], family: undefined });
  });

  it('a lookup the DNS never answers ends at once when the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = lookup('tp0-server-that-is-gone', { all: true }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const { err } = await pending;
    expect(err?.code).toBe(dns.CANCELLED);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('without a signal it is still bounded (2 tries of 2 s), and says it timed out', async () => {
    const started = performance.now();
    const { err } = await lookup('tp0-server-that-is-gone', {});
    expect(err?.code).toBe(dns.TIMEOUT);
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 20_000);
});
