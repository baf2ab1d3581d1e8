/** Types of command-bundle.mjs (plain JavaScript: it runs before any TypeScript loader). */
export interface BundleOptions {
  /** The folder every other path is relative to (default: the repository root). */
  readonly root?: string;
  /** The module to bundle (default: harness/cli/run-command.ts). */
  readonly entry?: string;
  /** Where the stamped bundle goes (default: .cache/harness-cli/run-command.mjs). */
  readonly bundle?: string;
}

export function loadCommand(options?: BundleOptions): Promise<{ readonly module: Record<string, unknown>; readonly rebuilt: boolean } | undefined>;
