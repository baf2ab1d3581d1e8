/**
 * `<bets>.done`: the agencies that notified, one per line, and the draw once it ran
 * (`draw <bets> <winners>`), so a restarted server still knows them. Its writes go one at a
 * time, in the order asked (each appended and synced before the next starts), and an agency
 * counts as done only once its line is durable. At open a torn last line (no LF), never
 * acknowledged, is cut.
 */
import type { Disk, DiskFile } from '../platform/disk.js';

/** The draw as recorded in the journal (`draw <bets> <winners>`): it ran once and is final. */
export interface RecordedDraw {
  readonly bets: number;
  readonly winners: number;
}

const DRAW_LINE = /^draw (\d+) (\d+)$/;

export class DoneJournal {
  /** The last write: the next one starts after it. */
  private last: Promise<void> = Promise.resolve();
  /** Agencies whose done line is being written: a repeated done waits for it. */
  private readonly marking = new Map<number, Promise<boolean>>();

  private constructor(
    private readonly file: DiskFile,
    private readonly done: Set<number>,
    private draw: RecordedDraw | undefined,
  ) {}

  /** Opens (creating) the journal at `path` on `disk` and reads what it holds. */
  static async open(path: string, disk: Disk): Promise<DoneJournal> {
    // fs's 'a+': reads from the start, writes at the end
    const file = await disk.open(path, { access: 'readwrite', append: true, create: true });
    try {
      const bytes = await file.readFile();
      const keep = bytes.lastIndexOf(0x0a) + 1;
      if (keep < bytes.length) await file.truncate(keep);
      const done = new Set<number>();
      let draw: RecordedDraw | undefined;
      for (const line of bytes.toString('utf8', 0, keep).split('\n')) {
        if (/^\d+$/.test(line)) done.add(Number(line));
        const d = DRAW_LINE.exec(line);
        if (d) draw = { bets: Number(d[1]), winners: Number(d[2]) };
      }
      return new DoneJournal(file, done, draw);
    } catch (err) {
      await file.close().catch(() => {});
      throw err;
    }
  }

  isDone(agency: number): boolean {
    return this.done.has(agency);
  }

  get doneCount(): number {
    return this.done.size;
  }

  /** The draw, if one was recorded (by this process or one before it). */
  get recordedDraw(): RecordedDraw | undefined {
    return this.draw;
  }

  /** Appends `line` and syncs it, after every write asked before it. */
  private append(line: string): Promise<void> {
    const write = this.last.then(async () => {
      await this.file.appendFile(line);
      await this.file.datasync();
    });
    this.last = write.catch(() => {});
    return write;
  }

  /**
   * Records that `agency` notified; resolves true for the call that recorded it, false if it
   * already had. Either way it resolves only once the record is durable: a second done that
   * arrives while the first is being written waits for it, and isDone/doneCount see the agency
   * only from then on (the draw never starts over a record that is not on disk).
   */
  async markDone(agency: number): Promise<boolean> {
    if (this.done.has(agency)) return false;
    const inFlight = this.marking.get(agency);
    if (inFlight) {
      await inFlight;
      return false;
    }
    const marking = this.append(`${agency}\n`)
      .then(() => {
        this.done.add(agency);
        return true;
      })
      .finally(() => this.marking.delete(agency));
    this.marking.set(agency, marking);
    return marking;
  }

  /** Records that the draw ran, with its totals; durable when it resolves (before any winner is told). */
  async recordDraw(draw: RecordedDraw): Promise<void> {
    await this.append(`draw ${draw.bets} ${draw.winners}\n`);
    this.draw = draw;
  }

  /** Waits for the writes asked so far, then closes the file. */
  async close(): Promise<void> {
    await this.last;
    await this.file.close();
  }
}
