#!/usr/bin/env zx
// `npx zx harness/run.mjs --clients 5`: runs the lottery system once in Docker and prints what
// happened (SPEC §5). Thin on purpose: the command is the TypeScript in harness/cli/, loaded
// as a bundle kept current by command-bundle.mjs (through tsx when it cannot be built);
// `--help` lists the options. Also runs as `node harness/run.mjs …`.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCommand } from './cli/command-bundle.mjs';

const self = fileURLToPath(import.meta.url);
// Under zx, argv is [node, zx, this script, …args]; under node, [node, this script, …args].
const at = process.argv.findIndex((arg, i) => i > 0 && resolve(arg.startsWith('file:') ? fileURLToPath(arg) : arg) === self);
const args = process.argv.slice(at > 0 ? at + 1 : 2);

async function throughTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return (await import(new URL('./cli/run-command.ts', import.meta.url).href)).runCommand;
}
const runCommand = (await loadCommand())?.module.runCommand ?? (await throughTsx());
process.exitCode = await runCommand(args);
