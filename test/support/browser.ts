/**
 * Real Chromium for the UI end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * with the flags of DEVELOPERS.md, the built UI (dist/ui, rebuilt here when a source under
 * src-renderer/ or src-shared/ is newer than the build), screenshots to test-artifacts/
 * (gitignored), and pages that fail the test on any uncaught page error.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const UI_INDEX = join(ROOT, 'dist', 'ui', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ui when it is missing or older than its sources (src-renderer, src-shared, vite.config.ts). */
export function ensureUiBuilt(): void {
  const built = existsSync(UI_INDEX) ? statSync(UI_INDEX).mtimeMs : 0;
  const sources = Math.max(newestMtime(join(ROOT, 'src-renderer')), newestMtime(join(ROOT, 'src-shared')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (built >= sources) return;
  // Build beside dist/ui and swap it in, so a gateway serving dist/ui in a test running alongside
  // never sees a half-emptied directory.
  const fresh = join(ROOT, 'dist', `.ui-build-${process.pid}`);
  const old = join(ROOT, 'dist', `.ui-old-${process.pid}`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', fresh, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit' });
  const target = join(ROOT, 'dist', 'ui');
  if (existsSync(target)) renameSync(target, old);
  renameSync(fresh, target);
  rmSync(old, { recursive: true, force: true });
}

/** Why the browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  return existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (install Debian's chromium package or set CHROMIUM_PATH)`;
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors the page threw; asserted empty by `close()`. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context (no storage shared with other pages) and one page in it. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, reducedMotion: 'reduce', ...options });
  // Waits end here rather than at the 30 s default, so a broken step fails the file quickly.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'the page threw no uncaught errors');
    },
  };
}

/** Full-page screenshot to test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Whether the document scrolls sideways (a layout that does not fit the viewport). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
}
