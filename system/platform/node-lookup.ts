/**
 * Name lookups that a stopping process can walk away from. Node's default (`dns.lookup`, the
 * system's getaddrinfo) runs on libuv's thread pool and cannot be cancelled; a process exits
 * only once it returns. In a compose network whose server container is gone, the engine's DNS
 * forwards the name upstream and getaddrinfo can wait there 10 s or more: longer than the stop
 * grace period. So names are asked of DNS through c-ares (`dns.Resolver`, on the event loop,
 * bounded, cancelled when `signal` aborts). As getaddrinfo would, the hosts file comes first
 * (a container's own name, compose's `extra_hosts`); only a name DNS says does not exist goes
 * on to getaddrinfo (the system's other sources).
 */
import dns from 'node:dns';
import { readFile } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';

const RESOLVER_OPTIONS = { timeout: 2000, tries: 2 };
const NO_SUCH_NAME = new Set<string>([dns.NOTFOUND, dns.NODATA]);

type Address = { address: string; family: number };
type Answer = (err: NodeJS.ErrnoException | null, list: readonly Address[]) => void;

export const HOSTS_FILE = '/etc/hosts';

/**
 * The addresses a hosts file gives `hostname` (its names compare without case), in the file's
 * order, of `family` only when it is 4 or 6; `#` starts a comment.
 */
export function hostsFileAddresses(text: string, hostname: string, family?: number): Address[] {
  const wanted = hostname.toLowerCase();
  const found: Address[] = [];
  for (const raw of text.split('\n')) {
    const [address, ...names] = (raw.split('#', 1)[0] as string).trim().split(/\s+/);
    if (address === undefined || names.length === 0) continue;
    const f = isIP(address);
    if (f === 0 || (family !== undefined && family !== f)) continue;
    if (names.some((name) => name.toLowerCase() === wanted)) found.push({ address, family: f });
  }
  return found;
}

function familyOf(option: number | string | undefined): 4 | 6 | undefined {
  if (option === 4 || option === 'IPv4') return 4;
  if (option === 6 || option === 'IPv6') return 6;
  return undefined;
}

/** A lookup: the hosts file (`hostsFile`), then DNS through c-ares, then getaddrinfo. */
export function cancellableLookup(signal?: AbortSignal, hostsFile = HOSTS_FILE): LookupFunction {
  return (hostname, options, callback) => {
    const all = (options as dns.LookupAllOptions).all === true;
    const answer: Answer = (err, list) => {
      if (err) return callback(err, all ? [] : '', undefined);
      if (all) return callback(null, [...list]);
      const first = list[0] as Address;
      return callback(null, first.address, first.family);
    };
    if (hostname === 'localhost') return answer(null, [{ address: '127.0.0.1', family: 4 }]);
    // A hosts file that cannot be read is as one without the name (getaddrinfo does the same).
    readFile(hostsFile, 'utf8', (err, text) => {
      const fromFile = err ? [] : hostsFileAddresses(text, hostname, familyOf(options.family));
      if (fromFile.length > 0) return answer(null, fromFile);
      if (signal?.aborted) return answer(Object.assign(new Error(`lookup ${hostname} cancelled`), { code: dns.CANCELLED }), []);
      askDns(hostname, options, signal, answer);
    });
  };
}

/** DNS through c-ares (the family asked for, or A then AAAA); a name it does not know, getaddrinfo. */
function askDns(hostname: string, options: dns.LookupOptions, signal: AbortSignal | undefined, answer: Answer): void {
  const resolver = new dns.Resolver(RESOLVER_OPTIONS);
  // The process's DNS servers (/etc/resolv.conf, or dns.setServers()).
  resolver.setServers(dns.getServers());
  const onAbort = () => resolver.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  const finish = (err: NodeJS.ErrnoException | null, list: readonly Address[]) => {
    signal?.removeEventListener('abort', onAbort);
    answer(err, list);
  };
  const family = options.family === 'IPv6' || options.family === 6 ? 6 : 4;
  const ask = (f: 4 | 6, then: (err: NodeJS.ErrnoException) => void) =>
    (f === 4 ? resolver.resolve4.bind(resolver) : resolver.resolve6.bind(resolver))(hostname, (err, addresses) =>
      err ? then(err) : finish(null, addresses.map((address) => ({ address, family: f }))),
    );
  ask(family, (first) => {
    if (!NO_SUCH_NAME.has(first.code ?? '')) return finish(first, []);
    const other = options.family === undefined || options.family === 0 ? (family === 4 ? 6 : 4) : undefined;
    const viaSystem = () => {
      signal?.removeEventListener('abort', onAbort);
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => answer(err, addresses ?? []));
    };
    if (other === undefined) return viaSystem();
    ask(other, (second) => (NO_SUCH_NAME.has(second.code ?? '') ? viaSystem() : finish(second, [])));
  });
}
