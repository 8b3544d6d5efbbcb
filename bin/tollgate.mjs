#!/usr/bin/env node
// The `tollgate` command. TypeScript runs through tsx (a regular dependency), so the command
// works right after `npm ci` on a fresh clone, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
