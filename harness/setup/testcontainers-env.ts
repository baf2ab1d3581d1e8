/**
 * testcontainers settings for this project, before testcontainers is used:
 * - Ryuk (its reaper container) cannot be pulled here: it is off, and the harness removes its
 *   own resources by label instead (see run/stale-cleanup.ts).
 */
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export {};
