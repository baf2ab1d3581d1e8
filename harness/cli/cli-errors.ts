/**
 * Errors of the run CLI and the exit codes they map to: 2 for a usage or environment problem
 * (bad flag, no Docker engine, images that cannot be built, a dataset folder that is not one),
 * 1 for anything else (the system did not do its job).
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** A flag or an environment override the command cannot use. */
export class RunUsageError extends Error {
  override readonly name = 'RunUsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What the command needs around it is missing: the Docker engine, the images, the dataset. */
export class RunEnvironmentError extends Error {
  override readonly name = 'RunEnvironmentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The exit code for an error that ended the command early. */
export function exitCodeFor(error: unknown): number {
  return error instanceof RunUsageError || error instanceof RunEnvironmentError ? EXIT_USAGE : EXIT_FAILED;
}

/** `message` and its causes, one per line (at most 4 deep). */
export function describeError(error: unknown): string {
  const chain: string[] = [];
  for (let e: unknown = error; e !== undefined && chain.length < 4; e = e instanceof Error ? e.cause : undefined) {
    const message = e instanceof Error ? e.message : String(e);
    // A wrapper that quotes its cause already said it.
    if (!chain.some((m) => m.includes(message))) chain.push(message);
  }
  return chain.join('\n  caused by: ');
}
