/**
 * The `app://` protocol: serves the built UI (dist/ui) to the window, so the renderer never uses
 * file:// (Electron security checklist item 18). Every request is resolved inside the UI directory
 * and refused if it could leave it: `..` in any spelling, encoded separators, NUL, absolute paths,
 * symlinks pointing outside. Each response carries the CSP and `nosniff`.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tollgate';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/**
 * The UI is built with Vite's `base: '/ui/'` (it is served under /ui/ by the headless gateway), so
 * its documents reference `/ui/assets/...`. The window opens `app://tollgate/ui/` and the handler maps
 * the `/ui/` prefix onto the UI directory; paths without it are served from the same directory.
 */
export const UI_BASE_PATH = '/ui/';
export const APP_ENTRY_URL = `${APP_ORIGIN}${UI_BASE_PATH}`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** True for URLs of the UI itself (`app://tollgate/...`), the only documents the window may show. */
export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && !hasTraversal(url);
}

/** `..` or `.` segments in any spelling, encoded separators and NUL, checked on the raw URL. */
function hasTraversal(rawUrl: string): boolean {
  const raw = rawUrl.toLowerCase();
  return (
    raw.includes('..') ||
    raw.includes('%2e') ||
    raw.includes('%2f') ||
    raw.includes('%5c') ||
    raw.includes('\\') ||
    raw.includes('%00') ||
    raw.includes('\0')
  );
}

/**
 * The file a URL names, relative to the UI directory, or null when the URL must be refused.
 * `app://tollgate/`, `app://tollgate/ui/` name `index.html`; `app://tollgate/ui/assets/a.js` names `assets/a.js`.
 */
export function resolveAppPath(root: string, rawUrl: string): string | null {
  if (hasTraversal(rawUrl)) return null;
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  // One leading slash separates the host; a second one would make the rest absolute.
  let rel = pathname.replace(/^\//, '');
  const base = UI_BASE_PATH.slice(1);
  if (rel === base.slice(0, -1) || rel.startsWith(base)) rel = rel.slice(base.length);
  if (rel === '') return resolve(root, 'index.html');
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('/')) return null;
  const segments = rel.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const full = resolve(root, rel);
  return isInside(resolve(root), full) ? full : null;
}

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

export interface AppProtocolOptions {
  /** The built UI directory (dist/ui). */
  root: string;
  /** The CSP for the current gateway origin (it can change when the gateway is resumed). */
  csp: () => string;
}

/** Minimal request shape, satisfied by the Fetch API Request that `protocol.handle` passes. */
export interface AppRequest {
  url: string;
  method: string;
}

/**
 * The handler for `protocol.handle('app', ...)`. Unknown extension-less paths fall back to
 * index.html so client-side routes survive a reload.
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: AppRequest) => Promise<Response> {
  const rootPromise = realpath(options.root).catch(() => resolve(options.root));
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    const root = await rootPromise;
    let file = resolveAppPath(root, request.url);
    if (file === null) return plain(403, 'Forbidden');
    let real = await realFile(root, file);
    if (real === null && extname(file) === '') {
      file = resolve(root, 'index.html');
      real = await realFile(root, file);
    }
    if (real === null) return plain(404, 'Not Found');
    const body = request.method === 'HEAD' ? null : await readFile(real);
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': contentTypeFor(real),
        'content-security-policy': options.csp(),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}

/** The file's real path if it is a regular file whose real path is still inside the root. */
async function realFile(root: string, file: string): Promise<string | null> {
  try {
    const real = await realpath(file);
    if (!isInside(root, real)) return null;
    const s = await stat(real);
    return s.isFile() ? real : null;
  } catch {
    return null;
  }
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...extra },
  });
}
