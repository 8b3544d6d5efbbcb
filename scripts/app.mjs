#!/usr/bin/env node
// `npm run app`: the desktop app in development (src-main/shell/launch.ts does the work).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { launch } = await import('../src-main/shell/launch.ts');
process.exitCode = await launch(fileURLToPath(new URL('..', import.meta.url)), process.argv.slice(2));
