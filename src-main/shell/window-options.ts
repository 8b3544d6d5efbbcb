/**
 * The one BrowserWindow's options. Every setting here is an item of Electron's security
 * checklist (https://www.electronjs.org/docs/latest/tutorial/security): items 2-4 (no Node in the
 * renderer, context isolation, sandbox), 5-6 (webSecurity on, no insecure content), 7 (no
 * experimental features or Blink flags), 12 (no <webview>). The renderer reaches the main process
 * only through the preload's single contextBridge function.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (dist-electron/preload.cjs). */
  preloadPath: string;
  /** DevTools only in development builds. */
  devTools?: boolean;
  /** Window icon (Linux and Windows; macOS uses the bundle icon). */
  iconPath?: string;
}

export function buildWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Tollgate',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    backgroundColor: '#0f172a',
    autoHideMenuBar: true,
    ...(input.iconPath !== undefined ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools ?? false,
    },
  };
}
