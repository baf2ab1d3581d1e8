import dgram from 'node:dgram';
import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cancellableLookup, hostsFileAddresses } from './node-lookup.js';

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

function lookup(host: string, options: dns.LookupOptions, signal?: AbortSignal, hostsFile?: string) {
  return new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
    cancellableLookup(signal, hostsFile)(host, options, (err, address, family) => resolve({ err, address, family })),
  );
}

/** A hosts file as a container has one: its own name, compose's extra_hosts, comments. */
const HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  '# extra_hosts',
  '172.18.0.9 Server lottery-server # the server',
  'fd00::9 server',
  'not-an-address server',
  '',
].join('\n');

describe('cancellableLookup', () => {
  it('answers localhost itself, in both callback shapes', async () => {
    expect(await lookup('localhost', {})).toEqual({ err: null, address: '127.0.0.1', family: 4 });
    expect(await lookup('localhost', { all: true })).toEqual({ err: null, address: [{ address: '127.0.0.1', family: 4 }], family: undefined });
  });

  it('answers a name the hosts file has from the file, without asking the DNS (which never answers here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookup-'));
    try {
      const hosts = join(dir, 'hosts');
      writeFileSync(hosts, HOSTS);
      expect(await lookup('server', {}, undefined, hosts)).toEqual({ err: null, address: '172.18.0.9', family: 4 });
      expect(await lookup('LOTTERY-server', { all: true }, undefined, hosts)).toEqual({ err: null, address: [{ address: '172.18.0.9', family: 4 }], family: undefined });
      expect(await lookup('server', { all: true }, undefined, hosts)).toMatchObject({
        err: null,
        address: [
          { address: '172.18.0.9', family: 4 },
          { address: 'fd00::9', family: 6 },
        ],
      });
      expect(await lookup('server', { family: 6 }, undefined, hosts)).toEqual({ err: null, address: 'fd00::9', family: 6 });
      // A name the file does not have goes to the DNS (which never answers: cancelled here).
      const controller = new AbortController();
      const pending = lookup('the-server', {}, controller.signal, hosts);
      setTimeout(() => controller.abort(), 50);
      expect((await pending).err?.code).toBe(dns.CANCELLED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a hosts file that cannot be read is as one without the name', async () => {
    const controller = new AbortController();
    const pending = lookup('server', {}, controller.signal, '/nonexistent/hosts');
    setTimeout(() => controller.abort(), 50);
    expect((await pending).err?.code).toBe(dns.CANCELLED);
  });

  it('a lookup the DNS never answers ends at once when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = lookup('tp0-server-that-is-gone', { all: true }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const { err } = await pending;
    // CANCELLED, not TIMEOUT: the abort ended it, not c-ares' own tries.
    expect(err?.code).toBe(dns.CANCELLED);
  });

  it('without a signal it is still bounded (2 tries of 2 s), and says it timed out', async () => {
    const { err } = await lookup('tp0-server-that-is-gone', {});
    expect(err?.code).toBe(dns.TIMEOUT);
  }, 20_000);
});

describe('hostsFileAddresses', () => {
  it('reads every line naming the host, in order, of the family asked for, leaving comments and bad addresses out', () => {
    expect(hostsFileAddresses(HOSTS, 'localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(hostsFileAddresses(HOSTS, 'ip6-loopback', 4)).toEqual([]);
    expect(hostsFileAddresses(HOSTS, 'the')).toEqual([]);
    expect(hostsFileAddresses(HOSTS, 'extra_hosts')).toEqual([]);
    expect(hostsFileAddresses('172.18.0.9 server\r\n', 'server')).toEqual([{ address: '172.18.0.9', family: 4 }]);
  });
});
