/**
 * Passes on a container's log lines once each, across restarts. Docker keeps one log per
 * container over all its starts, so after a restart the follower reads it again from the start
 * and skips by stream position: the first `delivered` lines were passed on before. Timestamps
 * cannot tell lines apart (two lines may carry the same instant), positions can.
 *
 * At an exit the log's last lines can be read alone (`catchUp`): the lines of that tail past
 * the last ones passed on are new, when the tail holds them (the last few lines given must be
 * found in it once, in order, with their timestamps); else the caller reads the whole log again.
 */
import type { LogLine } from '../docker/docker-client.js';

/**
 * `live`: every line as it is written (what faults, waits on lines and the live progress view
 * need). `until-ready`: the log is followed until the ready line (none: not at all), and the
 * rest is read once the container has exited, so the engine does not serve every line while the
 * system runs (at 20× the engine's per-line work for a follower took about a quarter of a core
 * from the system). Either way the timeline holds every line once the container has exited.
 */
export type LogFollowing = 'live' | 'until-ready';

/** How many of the last lines given must match where a tail joins. */
const JOIN_LINES = 4;

const same = (a: LogLine, b: LogLine): boolean => a.time === b.time && a.text === b.text;

export class LogFollower {
  /** Lines passed on so far: the position in the container's log to go on from. */
  private delivered = 0;
  /** The last lines passed on, oldest first. */
  private readonly recent: LogLine[] = [];

  constructor(private readonly onLine: (line: LogLine) => void) {}

  private pass(line: LogLine): void {
    this.delivered++;
    this.recent.push(line);
    if (this.recent.length > JOIN_LINES) this.recent.shift();
    this.onLine(line);
  }

  /** Reads one stream of the whole log (from its first line) and passes on what is new. */
  async follow(lines: AsyncIterable<LogLine>): Promise<void> {
    let position = 0;
    for await (const line of lines) {
      position++;
      if (position <= this.delivered) continue;
      this.pass(line);
    }
  }

  /**
   * Given the last `tail.length` lines of the log (asked for `asked`), passes on those past the
   * lines already given; false when it cannot tell where they join (read the whole log then).
   */
  catchUp(tail: readonly LogLine[], asked: number): boolean {
    const wholeLog = tail.length < asked;
    if (wholeLog && tail.length <= this.delivered) return true; // nothing new, if it is what was given
    let from: number | undefined;
    if (this.delivered === 0) from = wholeLog ? 0 : undefined;
    else {
      // Every place where the last lines given appear in the tail: exactly one, or it is unclear.
      const need = Math.min(this.recent.length, this.delivered);
      const joins: number[] = [];
      for (let end = tail.length - 1; end >= need - 1; end--) {
        let k = 0;
        while (k < need && same(tail[end - k] as LogLine, this.recent[this.recent.length - 1 - k] as LogLine)) k++;
        if (k === need) joins.push(end + 1);
      }
      if (joins.length === 1) from = joins[0];
    }
    if (from === undefined) return false;
    for (const line of tail.slice(from)) this.pass(line);
    return true;
  }
}
