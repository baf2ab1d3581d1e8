/**
 * What each entry is on the timeline (connect, batch, done, draw, winners, failure, exit), the
 * look of each kind, and how marks of one lane are gathered: batches always into pixel-column
 * bins (a density bar), other kinds one mark each unless a lane has too many of them. Pure.
 */
import type { TimelineEntry } from '../run/timeline.js';

export type MarkKind = 'connect' | 'batch' | 'done' | 'draw' | 'winners' | 'failure' | 'exit';

export interface MarkStyle {
  readonly colour: string;
  readonly label: string;
  /** Which lines make a mark of this kind, for the legend. */
  readonly meaning: string;
}

export const MARK_STYLES: Readonly<Record<MarkKind, MarkStyle>> = {
  connect: { colour: '#1f77b4', label: 'connect', meaning: 'client connect, server agencia_conectada' },
  batch: { colour: '#2ca02c', label: 'batches', meaning: 'client apuestas_enviadas, server apuesta_recibida (darker: more per pixel)' },
  done: { colour: '#9467bd', label: 'done', meaning: 'client notificacion_enviada, server notificacion_recibida' },
  draw: { colour: '#ff7f0e', label: 'draw', meaning: 'server sorteo' },
  winners: { colour: '#17becf', label: 'winners', meaning: 'consulta_ganadores, ganadores' },
  failure: { colour: '#d62728', label: 'failure', meaning: 'any line with result: fail' },
  exit: { colour: '#333333', label: 'exit', meaning: 'container exited (its exit code)' },
};

export const MARK_KINDS = Object.keys(MARK_STYLES) as readonly MarkKind[];

const SUCCESS_ACTIONS: Readonly<Record<string, MarkKind>> = {
  connect: 'connect',
  agencia_conectada: 'connect',
  apuestas_enviadas: 'batch',
  apuesta_recibida: 'batch',
  notificacion_enviada: 'done',
  notificacion_recibida: 'done',
  sorteo: 'draw',
  consulta_ganadores: 'winners',
  ganadores: 'winners',
};

/** The mark an entry makes, or undefined (other lines, notes, faults). */
export function markKind(entry: TimelineEntry): MarkKind | undefined {
  if (entry.kind === 'exit') return 'exit';
  if (entry.kind !== 'log' || !entry.event) return undefined;
  if (entry.event.result === 'fail') return 'failure';
  if (entry.event.result !== 'success') return undefined;
  return Object.hasOwn(SUCCESS_ACTIONS, entry.event.action) ? SUCCESS_ACTIONS[entry.event.action] : undefined;
}

/** Above this many marks of one kind on one lane, the kind is drawn as a density bar too. */
export const POINT_LIMIT = 150;

/** Marks of one kind on one lane gathered into pixel columns. */
export interface Bins {
  readonly counts: Uint32Array;
  /** The first entry that fell into each bin, for its tooltip. */
  readonly samples: (TimelineEntry | undefined)[];
  max: number;
}

export interface LaneMarks {
  /** Per kind, entries drawn one mark each (until a kind passes POINT_LIMIT). */
  readonly points: Map<MarkKind, TimelineEntry[]>;
  readonly bins: Map<MarkKind, Bins>;
}

export class MarkCollector {
  readonly lanes = new Map<string, LaneMarks>();

  /** `binOf` maps a time to its bin, in [0, binCount). */
  constructor(
    private readonly binCount: number,
    private readonly binOf: (at: number) => number,
  ) {}

  add(lane: string, kind: MarkKind, entry: TimelineEntry): void {
    let marks = this.lanes.get(lane);
    if (!marks) {
      marks = { points: new Map(), bins: new Map() };
      this.lanes.set(lane, marks);
    }
    const bins = marks.bins.get(kind);
    if (bins || kind === 'batch') {
      this.bin(marks, kind, entry);
      return;
    }
    const list = marks.points.get(kind);
    if (!list) {
      marks.points.set(kind, [entry]);
      return;
    }
    list.push(entry);
    if (list.length > POINT_LIMIT) {
      marks.points.delete(kind);
      for (const e of list) this.bin(marks, kind, e);
    }
  }

  private bin(marks: LaneMarks, kind: MarkKind, entry: TimelineEntry): void {
    let bins = marks.bins.get(kind);
    if (!bins) {
      bins = { counts: new Uint32Array(this.binCount), samples: new Array<TimelineEntry | undefined>(this.binCount), max: 0 };
      marks.bins.set(kind, bins);
    }
    const i = Math.min(this.binCount - 1, Math.max(0, this.binOf(entry.at)));
    const n = (bins.counts[i] as number) + 1;
    bins.counts[i] = n;
    if (n === 1) bins.samples[i] = entry;
    if (n > bins.max) bins.max = n;
  }
}
