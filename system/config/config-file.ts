import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/**
 * A config path that is a directory. In Docker this is what a bind mount of a host file that
 * did not exist at `up` time leaves behind: the engine creates an empty directory at the host
 * path and mounts it. The message names the host file when the compose file told us which
 * (`hostPathVariable`, set by the generator).
 */
export class MountedDirectoryError extends ConfigError {
  override readonly name = 'MountedDirectoryError';
  constructor(
    readonly path: string,
    readonly hostPath: string | undefined,
  ) {
    super(
      hostPath === undefined
        ? `config file ${path} is a directory: the host file mounted there did not exist when the container started, so Docker created an empty directory in its place; remove that directory, write the file and start again`
        : `config file ${path} is a directory: the host file ${hostPath} did not exist when the container started, so Docker created an empty directory there; remove the directory ${hostPath}, write the file and start again`,
    );
  }
}

/** A setting the file holds that no setting of ours knows; reported once, never fatal. */
export interface IgnoredKey {
  readonly key: string;
  readonly line?: number;
  readonly reason: string;
}

/** The text of the config file at `path`; a directory is a MountedDirectoryError, anything else unreadable a ConfigError. */
export function readConfigText(path: string, hostPath: string | undefined): string {
  let directory = false;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    // Not there or not readable: readFileSync below says which.
  }
  if (directory) throw new MountedDirectoryError(path, hostPath === '' ? undefined : hostPath);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
}
