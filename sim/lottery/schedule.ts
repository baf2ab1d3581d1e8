/**
 * A simulated run's fault schedule: plain data, drawn from the seed or written by hand (a
 * replay, a shrunk schedule), in the Docker nemesis's vocabulary plus what only a simulator can
 * do. Each fault is fired at its time and healed `holdMs` later:
 *
 *   crash T      the machine loses power (memory and every un-synced byte gone), back up after hold
 *   kill T       SIGKILL alone (Docker's crash: the page cache survives), started again after hold
 *   restart T    SIGTERM (the real graceful path), started again after hold
 *   partition T  the link T <> server stalls (packets dropped, then retransmitted) or is cut
 *                (reset), healed after hold; T = server: every link of the server
 *   pause T      SIGSTOP / SIGCONT
 *   reset T      every connection between T and the server reset at once (hold 0)
 *   disk         the server's disk fails an operation (ENOSPC, EIO, or a short write) until
 *                healed; the heal clears it and restarts the server (SIGTERM), as an operator would
 *
 * Text form, one fault per `;`: `crash server @120+400; partition client2 stall @50+3000;
 * disk write ENOSPC @80+200`. A fault whose target is not running when it comes is skipped.
 */
import type { DiskFault, DiskOpName } from '../disk/sim-volume.js';
import type { Prng } from '../kernel/prng.js';

export const FAULT_KINDS = ['crash', 'kill', 'restart', 'partition', 'pause', 'reset', 'disk'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type DiskFaultCode = DiskFault['code'];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** `server` or `clientN` (the disk faults hit the server). */
  readonly target: string;
  readonly atMs: number;
  readonly holdMs: number;
  /** Partitions: drop (stall) or reject (cut). */
  readonly mode?: 'stall' | 'cut';
  /** Disk faults: which operation fails, and how. */
  readonly op?: DiskOpName;
  readonly code?: DiskFaultCode;
}

export class ScheduleSyntaxError extends Error {
  override readonly name = 'ScheduleSyntaxError';
}

const WEIGHTS: Readonly<Record<FaultKind, number>> = { crash: 3, kill: 2, restart: 2, partition: 3, pause: 2, reset: 1, disk: 2 };
const DISK_FAULTS: readonly { op: DiskOpName; code: DiskFaultCode }[] = [
  { op: 'write', code: 'ENOSPC' },
  { op: 'write', code: 'EIO' },
  { op: 'write', code: 'short' },
  { op: 'datasync', code: 'EIO' },
  { op: 'open', code: 'EIO' },
];

function weighted(rng: Prng): FaultKind {
  const total = FAULT_KINDS.reduce((n, k) => n + WEIGHTS[k], 0);
  let r = rng.int(total);
  for (const k of FAULT_KINDS) {
    r -= WEIGHTS[k];
    if (r < 0) return k;
  }
  return 'crash';
}

/**
 * Mostly short, sometimes past the clients' 10 s answer timeout, never past their patience: a
 * client gives up after 30 failed attempts (loop.amount, backoff up to loop.period = 2 s), about
 * 35 s of a server it cannot reach, which the system does on purpose.
 */
export const LONGEST_HOLD_MS = 20_000;

function holdFor(rng: Prng, kind: FaultKind): number {
  if (kind === 'reset') return 0;
  if (rng.chance(0.05)) return rng.between(10_000, LONGEST_HOLD_MS);
  if (kind === 'partition' || kind === 'pause') return rng.between(5, 3000);
  return rng.between(0, 800);
}

/**
 * `count` faults from the seed's `faults` stream: three in four in the first 200 virtual ms
 * (while the bets are sent and the draw runs), the rest later (reconnects, winners, restarts).
 */
export function drawSchedule(rng: Prng, count: number, agencies: number): PlannedFault[] {
  const plan: PlannedFault[] = [];
  for (let i = 0; i < count; i++) {
    const kind = weighted(rng);
    const target = kind === 'disk' || agencies === 0 || rng.chance(0.4) ? 'server' : `client${1 + rng.int(agencies)}`;
    const atMs = rng.chance(0.75) ? rng.between(0, 200) : rng.between(200, 3000);
    const base = { kind, target, atMs, holdMs: holdFor(rng, kind) };
    if (kind === 'partition') plan.push({ ...base, mode: rng.chance(0.5) ? 'stall' : 'cut' });
    else if (kind === 'disk') plan.push({ ...base, ...rng.pick(DISK_FAULTS) });
    else plan.push(base);
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}

export function describeFault(f: PlannedFault): string {
  const what = f.kind === 'disk' ? `disk ${f.op} ${f.code}` : f.kind === 'partition' ? `partition ${f.target} ${f.mode}` : `${f.kind} ${f.target}`;
  return f.kind === 'reset' ? `${what} @${f.atMs}` : `${what} @${f.atMs}+${f.holdMs}`;
}

export function describeSchedule(plan: readonly PlannedFault[]): string {
  return plan.length === 0 ? 'none' : plan.map(describeFault).join('; ');
}

const TARGET = /^(server|client[1-9]\d*)$/;
const WHEN = /^@(\d+)(?:\+(\d+))?$/;

/** The text form back into faults; throws ScheduleSyntaxError naming the part it cannot read. */
export function parseSchedule(text: string): PlannedFault[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  return text.split(';').map((part) => {
    const words = part.trim().split(/\s+/);
    const when = WHEN.exec(words.at(-1) ?? '');
    const kind = words[0] as FaultKind;
    if (!when || !(FAULT_KINDS as readonly string[]).includes(kind)) throw new ScheduleSyntaxError(`cannot read the fault "${part.trim()}" (e.g. "crash server @120+400")`);
    const atMs = Number(when[1]);
    const holdMs = Number(when[2] ?? 0);
    const args = words.slice(1, -1);
    if (kind === 'disk') {
      const [op, code] = args;
      if (!op || !code || !['ENOSPC', 'EIO', 'short'].includes(code)) throw new ScheduleSyntaxError(`a disk fault is "disk <op> <ENOSPC|EIO|short> @at+hold", got "${part.trim()}"`);
      return { kind, target: 'server', atMs, holdMs, op: op as DiskOpName, code: code as DiskFaultCode };
    }
    const target = args[0] ?? '';
    if (!TARGET.test(target)) throw new ScheduleSyntaxError(`"${part.trim()}": the target is server or clientN`);
    if (kind === 'partition') {
      const mode = args[1];
      if (mode !== 'stall' && mode !== 'cut') throw new ScheduleSyntaxError(`a partition is "partition <target> <stall|cut> @at+hold", got "${part.trim()}"`);
      return { kind, target, atMs, holdMs, mode };
    }
    return { kind, target, atMs, holdMs };
  });
}
