/**
 * Name lookups that a stopping process can walk away from. Node's default (`dns.lookup`, the
 * system's getaddrinfo) runs on libuv's thread pool and cannot be cancelled; a process exits
 * only once it returns. In a compose network whose server container is gone, the engine's DNS
 * forwards the name upstream and getaddrinfo can wait there 10 s or more: longer than the stop
 * grace period. So names are asked of DNS through c-ares (`dns.Resolver`, on the event loop,
 * bounded, cancelled when `signal` aborts); only a name DNS says does not exist goes on to
 * getaddrinfo (the hosts file: `localhost` and the like).
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';

const RESOLVER_OPTIONS = { timeout: 2000, tries: 2 };
const NO_SUCH_NAME = new Set<string>([dns.NOTFOUND, dns.NODATA]);

type Address = { address: string; family: number };

export function cancellableLookup(signal?: AbortSignal): LookupFunction {
  return (hostname, options, callback) => {
    const all = (options as dns.LookupAllOptions).all === true;
    const answer = (err: NodeJS.ErrnoException | null, list: readonly Address[]) => {
      if (err) return callback(err, all ? [] : '', undefined);
      if (all) return callback(null, [...list]);
      const first = list[0] as Address;
      return callback(null, first.address, first.family);
    };
    if (hostname === 'localhost') return answer(null, [{ address: '127.0.0.1', family: 4 }]);
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
  };
}
