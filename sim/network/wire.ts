/**
 * One direction of a connection: the segments on their way, in order. Only the head is due at a
 * time, so nothing overtakes anything, whatever the latency draws. A stalled link (a partition
 * that drops packets) or a host that is down blocks the wire until healed or back up; then the
 * segments arrive, still in order, as TCP's retransmissions would bring them.
 */
import type { SimEvent } from '../kernel/simulation.js';
import type { BlockedLink, Endpoint, Fabric, Segment } from './fabric.js';

export type { Segment } from './fabric.js';

interface Queued {
  readonly segment: Segment;
  arriveAt: number;
}

export class Wire implements BlockedLink {
  private readonly queue: Queued[] = [];
  private lastArrival = 0;
  private pending: SimEvent | undefined;
  private blocked = false;

  constructor(
    private readonly net: Fabric,
    readonly from: Endpoint,
    readonly to: Endpoint,
  ) {}

  get inFlight(): number {
    return this.queue.length;
  }

  send(segment: Segment): void {
    const arriveAt = Math.max(this.lastArrival, this.net.sim.now + this.net.latency());
    this.lastArrival = arriveAt;
    this.queue.push({ segment, arriveAt });
    if (!this.pending && !this.blocked) this.scheduleHead();
  }

  /** The link healed or the host came back: carry on, after a fresh latency. */
  unblock(): void {
    if (!this.blocked) return;
    this.blocked = false;
    const head = this.queue[0];
    if (!head) return;
    head.arriveAt = Math.max(head.arriveAt, this.net.sim.now + this.net.latency());
    this.lastArrival = Math.max(this.lastArrival, head.arriveAt);
    this.scheduleHead();
  }

  /** Everything still on the way is lost (the sender vanished before sending it, or a reset). */
  clear(): void {
    this.queue.length = 0;
    this.net.sim.cancel(this.pending);
    this.pending = undefined;
  }

  private scheduleHead(): void {
    const head = this.queue[0] as Queued;
    const detail = `${this.from.label}>${this.to.label} ${describe(head.segment)}`;
    this.pending = this.net.sim.at(head.arriveAt, 'net.arrive', () => this.arrive(), { detail });
  }

  private arrive(): void {
    this.pending = undefined;
    const head = this.queue[0];
    if (!head) return;
    const link = this.net.linkState(this.from.host, this.to.host);
    if (link === 'stall' && head.segment.kind !== 'rst') {
      this.block();
      return;
    }
    if (!this.to.host.up) {
      // No one answers for a host that is down: retransmissions wait for it.
      this.blocked = true;
      this.to.host.waitingWires.add(this);
      return;
    }
    this.queue.shift();
    if (link === 'cut' && head.segment.kind !== 'rst') {
      // The firewall rejects it with a reset, which comes back to the sender.
      this.to.out.send({ kind: 'rst' });
    } else {
      this.to.receive(head.segment);
    }
    if (this.queue.length > 0 && !this.blocked) this.scheduleHead();
  }

  private block(): void {
    this.blocked = true;
    this.net.blockedWires.add(this);
  }
}

function describe(segment: Segment): string {
  return segment.kind === 'data' ? `data ${segment.bytes.length}` : segment.kind;
}
