/**
 * The kernel's queue: a binary min-heap of events by (time, rank, seq). `rank` is a PRNG draw
 * made when the event is scheduled, so events due at the same virtual time run in a seeded
 * random order; `seq` (schedule order) settles equal ranks, which FIFO groups use on purpose.
 */

export interface QueuedEvent {
  readonly time: number;
  readonly rank: number;
  readonly seq: number;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.rank !== b.rank) return a.rank < b.rank;
  return a.seq < b.seq;
}

export class EventQueue<E extends QueuedEvent> {
  private readonly heap: E[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  push(event: E): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as E;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r] as E, heap[l] as E) ? r : l;
      if (!before(heap[child] as E, last)) break;
      heap[i] = heap[child] as E;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
