/**
 * What the parts of the simulated network share, kept apart from the network that makes them
 * (sim-network.ts), so that sockets, wires and listeners need not import it: segments, hosts,
 * the configuration, and the part of the network a socket or a wire calls back into.
 */
import type { Simulation } from '../kernel/simulation.js';

export interface NetworkConfig {
  /** One-way latency of every segment. */
  readonly latencyMs: number;
  /** Extra latency, uniform in [0, jitterMs). */
  readonly jitterMs: number;
  /** Bytes a sender may have unread at the receiver before its writes wait (TCP's window). */
  readonly windowBytes: number;
  /** Largest chunk a read delivers (Node reads 64 KiB at most). */
  readonly maxChunk: number;
  /** Share of reads that deliver 1 … 16 bytes, and of reads of a uniform random size. */
  readonly tinyReads: number;
  readonly randomReads: number;
}

export type LinkState = 'ok' | 'stall' | 'cut';

export type Segment =
  | { readonly kind: 'syn' }
  | { readonly kind: 'synack' }
  | { readonly kind: 'data'; readonly bytes: Buffer }
  | { readonly kind: 'fin' }
  | { readonly kind: 'rst' };

/** One end of a connection, as a wire sees it. */
export interface Endpoint {
  readonly label: string;
  readonly host: SimHost;
  /** The wire towards the peer. */
  readonly out: { send(segment: Segment): void };
  receive(segment: Segment): void;
}

/** A direction of a connection that is waiting (for a heal, or for its host to come back). */
export interface BlockedLink {
  readonly from: Endpoint;
  readonly to: Endpoint;
  unblock(): void;
}

export class SimHost {
  up = true;
  /** Wires whose next segment waits for this host to come back. */
  readonly waitingWires = new Set<BlockedLink>();
  private nextPort = 32768;

  constructor(
    readonly name: string,
    readonly ip: string,
  ) {}

  ephemeralPort(): number {
    return this.nextPort++;
  }
}

/** What sockets and wires ask of the network. */
export interface Fabric {
  readonly sim: Simulation;
  readonly config: NetworkConfig;
  readonly blockedWires: Set<BlockedLink>;
  /** One segment's latency, jitter included. */
  latency(): number;
  /** How many bytes the next read hands over, of `available`. */
  chunkSize(available: number): number;
  linkState(from: SimHost, to: SimHost): LinkState;
  /** A SYN reached `server`'s host. */
  deliverSyn(server: Endpoint): void;
}
