/**
 * The headless BrowserOpener: the OS's default browser through its own command (xdg-open, open,
 * start). Only http(s) URLs without credentials are opened, and the URL is one argument, never
 * shell text (Insomnia's single open-external rule, for the CLI).
 */
import { spawn } from 'node:child_process';
import type { BrowserOpener } from '../core/index.ts';

export function isOpenableUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function createSystemBrowserOpener(platform: NodeJS.Platform = process.platform): BrowserOpener {
  return {
    open(url: string): Promise<void> {
      if (!isOpenableUrl(url)) return Promise.reject(new Error('refusing to open a URL that is not plain http(s)'));
      const [cmd, args] = platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
      return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { stdio: 'ignore', detached: true, shell: false });
        child.once('error', (err) => reject(new Error(`cannot open a browser (${cmd}: ${(err as NodeJS.ErrnoException).code ?? err.message}); open the link by hand`)));
        child.once('spawn', () => {
          child.unref();
          resolve();
        });
      });
    },
  };
}
