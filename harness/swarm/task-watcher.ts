/**
 * Tells each service handle about its tasks: one Docker event stream per node (container
 * `start` events of the stack's containers, by the stack's namespace label), opened before the
 * stack is deployed so that no task is missed. Events, not polling: a task replaced after a
 * crash is followed from its first line.
 */
import type { Readable } from 'node:stream';
import { LineSplitter } from '../logs/line-splitter.js';
import type { SwarmNode } from './swarm.js';

export const STACK_LABEL = 'com.docker.stack.namespace';
export const SERVICE_LABEL = 'com.docker.swarm.service.name';

interface ContainerEvent {
  readonly id?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Readonly<Record<string, string>> };
}

export interface TaskWatcher {
  close(): void;
}

/** Calls `onStart(node, containerId, serviceName)` for every container of `stack` that starts on any node. */
export async function watchTasks(nodes: readonly SwarmNode[], stack: string, onStart: (node: SwarmNode, containerId: string, service: string) => void): Promise<TaskWatcher> {
  const streams = await Promise.all(
    nodes.map(async (node) => {
      const stream = (await node.api.getEvents({ filters: { type: ['container'], event: ['start'], label: [`${STACK_LABEL}=${stack}`] } })) as Readable;
      const splitter = new LineSplitter();
      stream.on('data', (chunk: Buffer) => {
        for (const line of splitter.push(chunk.toString('utf8'))) {
          if (line.trim() === '') continue;
          let event: ContainerEvent;
          try {
            event = JSON.parse(line) as ContainerEvent;
          } catch {
            continue;
          }
          const id = event.Actor?.ID ?? event.id;
          const service = event.Actor?.Attributes?.[SERVICE_LABEL];
          if (id !== undefined && service !== undefined) onStart(node, id, service);
        }
      });
      stream.on('error', () => {});
      return stream;
    }),
  );
  return { close: () => streams.forEach((s) => s.destroy()) };
}
