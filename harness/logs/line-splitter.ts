/** Log streams arrive in chunks, not lines: this keeps the unfinished tail between chunks. */
export class LineSplitter {
  private partial = '';

  /** Feeds a chunk; returns the lines it completes (without line breaks, CR dropped). */
  push(chunk: string): string[] {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The last line, if the stream did not end with a line break. */
  end(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
  }
}
