#!/usr/bin/env node
// `npm run build:electron`: compiles the desktop shell (src-main/electron + the shell logic + the
// core it hosts) into dist-electron/: main.js (ESM, Electron's main process) and preload.cjs
// (CommonJS, because sandboxed preloads cannot be ES modules). Dependencies stay external and are
// loaded from node_modules (electron-builder packs the production ones, with native modules
// rebuilt for Electron's ABI). Not part of `npm test`.
//
// The core finds files next to its sources through `import.meta.url` (store/migrations/,
// ../../package.json, ../../dist/ui/). Bundled, every module would share main.js's URL, so each
// source file's `import.meta.url` is rewritten to the URL its source file has inside the app
// directory (app.getAppPath(): the project root in development, app.asar when packaged); the
// files it reads are shipped at those same paths (electron-builder.yml `files`).
//
// Usage: node scripts/build-electron.mjs [--outdir DIR]   (default dist-electron)
import { readFile, rm } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outArg = process.argv.indexOf('--outdir');
const out = outArg > 0 && process.argv[outArg + 1] ? resolve(process.argv[outArg + 1]) : `${root}dist-electron`;

const banner = [
  "import { app as __tollgateElectronApp } from 'electron';",
  "import { pathToFileURL as __tollgatePathToFileURL } from 'node:url';",
  "const __tollgateAppRoot = __tollgatePathToFileURL(__tollgateElectronApp.getAppPath() + '/');",
].join('\n');

const sourceUrlPlugin = {
  name: 'tollgate-source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]src-(main|shared)[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(root, args.path).split('\\').join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, __tollgateAppRoot).href`), loader: 'ts' };
    });
  },
};

// Conservative target: Electron 42's embedded Node is newer than this.
const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node22', sourcemap: 'linked', logLevel: 'warning', external: ['electron'] };

await rm(out, { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: ['src-main/electron/main.ts'],
    outfile: `${out}/main.js`,
    format: 'esm',
    packages: 'external',
    banner: { js: banner },
    plugins: [sourceUrlPlugin],
  }),
  build({ ...common, entryPoints: ['src-main/electron/preload.ts'], outfile: `${out}/preload.cjs`, format: 'cjs' }),
]);
process.stdout.write(`Built ${relative(root, out) || out}/main.js and preload.cjs\n`);
