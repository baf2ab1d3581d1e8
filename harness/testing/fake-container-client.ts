/** Test support: a ContainerClient that lists given containers and networks and records removals. */
import { hostname } from 'node:os';
import type { ContainerClient, ContainerSummary, NetworkSummary } from '../docker/docker-client.js';
import { HARNESS_LABELS, LABEL_OWNER_HOST, LABEL_OWNER_PID } from '../run/run-identity.js';

/** The labels a resource of this very process carries. */
export const OWN_LABELS: Readonly<Record<string, string>> = { ...HARNESS_LABELS, [LABEL_OWNER_PID]: String(process.pid), [LABEL_OWNER_HOST]: hostname() };

export function fakeContainerClient(
  containers: { id: string; labels: Record<string, string> }[] = [],
  networks: NetworkSummary[] = [],
): { docker: ContainerClient; removed: string[] } {
  const removed: string[] = [];
  const docker = {
    listContainers: async () =>
      containers.map((c) => ({ ...c, name: c.id, image: '', running: true, paused: false, exitCode: 0, startedAt: '', finishedAt: '' }) as ContainerSummary),
    removeContainer: async (id: string) => void removed.push(id),
    listNetworks: async () => networks,
    removeNetwork: async (id: string) => void removed.push(id),
  } as Partial<ContainerClient> as ContainerClient;
  return { docker, removed };
}
