// `node --import ./register.mjs main.js`: resolves `electron` to the fake below.
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
