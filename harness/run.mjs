#!/usr/bin/env zx
// `npx zx harness/run.mjs --clients 5`: runs the lottery system once in Docker and prints what
// happened (SPEC §5). Thin on purpose: the command is the TypeScript in harness/cli/, loaded
// through tsx; `--help` lists the options. Also runs as `node harness/run.mjs …`.
import { register } from 'tsx/esm/api';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
// Under zx, argv is [node, zx, this script, …args]; under node, [node, this script, …args].
const at = process.argv.findIndex((arg, i) => i > 0 && resolve(arg.startsWith('file:') ? fileURLToPath(arg) : arg) === self);
const args = process.argv.slice(at > 0 ? at + 1 : 2);

register();
const { runCommand } = await import(new URL('./cli/run-command.ts', import.meta.url).href);
process.exitCode = await runCommand(args);
