/** A configuration file or variable that cannot be used; the message says which and why. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
