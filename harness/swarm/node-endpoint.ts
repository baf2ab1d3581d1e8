/**
 * One node's Docker API from an endpoint: `unix:///path/docker.sock`, `tcp://host:port` (no
 * TLS), or a docker context name (resolved with `docker context inspect`). The node's name
 * and address come from the engine itself (`docker info`: Name, Swarm.NodeAddr).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { DockerodeClient } from '../docker/dockerode-client.js';
import { SwarmError, type SwarmNode } from './swarm.js';

const execFileAsync = promisify(execFile);

interface Endpoint {
  readonly api: Dockerode;
  readonly cliEnv: Readonly<Record<string, string>>;
  readonly shown: string;
}

function fromUrl(url: string, cliEnv: Readonly<Record<string, string>>): Endpoint {
  if (url.startsWith('unix://')) return { api: new Dockerode({ socketPath: url.slice('unix://'.length) }), cliEnv, shown: url };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(url);
  if (tcp) return { api: new Dockerode({ host: tcp[1] as string, port: Number(tcp[2]), protocol: 'http' }), cliEnv, shown: url };
  throw new SwarmError(`endpoint ${url}: only unix:///path and tcp://host:port (without TLS) are supported; for TLS or ssh, forward the engine's socket (ssh -L) and give that`);
}

/** The endpoint of a URL or a docker context. */
export async function resolveEndpoint(endpoint: string): Promise<Endpoint> {
  if (/^[a-z]+:\/\//.test(endpoint)) return fromUrl(endpoint, { DOCKER_HOST: endpoint });
  let host: string;
  let tls: unknown;
  try {
    const { stdout } = await execFileAsync('docker', ['context', 'inspect', endpoint, '--format', '{{json .Endpoints.docker.Host}} {{json .TLSMaterial}}']);
    const [hostJson = '""', tlsJson = 'null'] = stdout.trim().split(' ');
    host = JSON.parse(hostJson) as string;
    tls = JSON.parse(tlsJson);
  } catch (error) {
    throw new SwarmError(`docker context ${endpoint} cannot be read (docker context inspect ${endpoint})`, { cause: error });
  }
  if (tls !== null && typeof tls === 'object' && Object.keys(tls).length > 0) throw new SwarmError(`docker context ${endpoint} uses TLS, which the harness does not support: give a unix:// or tcp:// endpoint`);
  return { ...fromUrl(host, { DOCKER_CONTEXT: endpoint }), shown: `${endpoint} (${host})` };
}

interface EngineInfo {
  readonly Name?: string;
  readonly Swarm?: { readonly NodeAddr?: string; readonly LocalNodeState?: string };
}

/** The node behind an endpoint; the engine must answer and be part of a swarm. */
export async function connectNode(endpoint: string, hostContainer?: string): Promise<SwarmNode> {
  const { api, cliEnv, shown } = await resolveEndpoint(endpoint);
  let info: EngineInfo;
  try {
    info = (await api.info()) as EngineInfo;
  } catch (error) {
    throw new SwarmError(`no Docker engine answers at ${shown}`, { cause: error });
  }
  if (info.Swarm?.LocalNodeState !== 'active' || !info.Name || !info.Swarm.NodeAddr) {
    throw new SwarmError(`the engine at ${shown} (${info.Name ?? '?'}) is not an active swarm node (state: ${info.Swarm?.LocalNodeState ?? '?'})`);
  }
  return { name: info.Name, address: info.Swarm.NodeAddr, api, client: new DockerodeClient(api), cliEnv, ...(hostContainer === undefined ? {} : { hostContainer }) };
}
