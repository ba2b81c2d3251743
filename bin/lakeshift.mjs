#!/usr/bin/env node
// The `lakeshift` command: runs the TypeScript entry point through tsx's loader, as the repository's scripts do.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  now: Date.now,
});
