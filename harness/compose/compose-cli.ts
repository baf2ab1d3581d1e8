/**
 * The two compose command lines a person may have: `docker compose` (v2, the CLI plugin) and
 * `docker-compose` (v1, 1.29). Both read the generated files; their output differs in small
 * ways, and compose 2.26 writes the terminal escape ESC[2K ("erase line") before every `logs`
 * line even into a pipe, so whatever reads compose output goes through plainText() first.
 */
export interface ComposeCli {
  /** `v2` or `v1`, for test names and messages. */
  readonly version: 'v2' | 'v1';
  /** How a person types it: `docker compose` or `docker-compose`. */
  readonly label: string;
  readonly file: string;
  /** Arguments before the compose sub-command's own (`compose` for the plugin). */
  readonly prefix: readonly string[];
}

export const COMPOSE_V2: ComposeCli = { version: 'v2', label: 'docker compose', file: 'docker', prefix: ['compose'] };
export const COMPOSE_V1: ComposeCli = { version: 'v1', label: 'docker-compose', file: 'docker-compose', prefix: [] };
export const COMPOSE_CLIS: readonly ComposeCli[] = [COMPOSE_V2, COMPOSE_V1];

/** ANSI CSI sequences (ESC [ parameters final-byte), ESC[2K among them. */
const CSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Compose output without terminal control sequences (ESC[2K, colours) and without CRs. */
export function plainText(text: string): string {
  return text.replace(CSI, '').replace(/\r/g, '');
}
