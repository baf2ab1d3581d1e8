/**
 * Passes on a container's log lines once each, across restarts. Docker keeps one log per
 * container over all its starts, so after a restart the follower reads it again from the start
 * and skips by stream position: the first `delivered` lines were passed on before. Timestamps
 * cannot tell lines apart (two lines may carry the same instant), positions can.
 */
import type { LogLine } from '../docker/docker-client.js';

export class LogFollower {
  /** Lines passed on so far: the position in the container's log to go on from. */
  private delivered = 0;

  constructor(private readonly onLine: (line: LogLine) => void) {}

  /** Reads one stream of the whole log (from its first line) and passes on what is new. */
  async follow(lines: AsyncIterable<LogLine>): Promise<void> {
    let position = 0;
    for await (const line of lines) {
      position++;
      if (position <= this.delivered) continue;
      this.delivered = position;
      this.onLine(line);
    }
  }
}
