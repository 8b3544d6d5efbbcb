// Build of the management UI (src-renderer -> dist/ui), served by the gateway under /ui/.
// Run from the repository root (`npm run build:ui`): paths are relative to it.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Paths the dev server forwards to a gateway on the default port, so `vite` can be used against `tollgate serve`. */
const API_PREFIXES = [
  '/key', '/team', '/user', '/customer', '/budget', '/organization', '/spend', '/global', '/model',
  '/health', '/config', '/audit', '/auth', '/v1', '/sso', '/ui/session', '/ui/whoami', '/openapi.json',
];

export default defineConfig({
  root: 'src-renderer',
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    // Electron's CSP forbids inline scripts; keep every asset a separate file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    host: '127.0.0.1',
    proxy: Object.fromEntries(API_PREFIXES.map((p) => [p, { target: 'http://127.0.0.1:4000', changeOrigin: false }])),
  },
});
