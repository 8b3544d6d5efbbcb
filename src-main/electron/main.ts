/**
 * The Electron main process: a thin adapter that wires Electron's objects into the shell's logic
 * (src-main/shell/, tested on Node) and hosts the gateway in-process. Every security decision is
 * made by a named function there; this file only connects events to them.
 */
import { join } from 'node:path';
import { BrowserWindow, Tray, app, dialog, ipcMain, nativeImage, protocol, session, shell } from 'electron';
import type { WebContents } from 'electron';
import { createGateway } from '../core/index.ts';
import { APP_ENTRY_URL, APP_SCHEME, createAppProtocolHandler } from '../shell/app-protocol.ts';
import { buildCsp } from '../shell/csp.ts';
import { desktopGatewayOptions } from '../shell/desktop-options.ts';
import { GET_SESSION_CHANNEL, SessionHolder, createGetSessionHandler, exchangeSignInToken, wireSsoHandOff } from '../shell/desktop-session.ts';
import type { SignInWindow } from '../shell/desktop-session.ts';
import { GatewayHost } from '../shell/gateway-host.ts';
import { decideNavigation, decideWindowOpen } from '../shell/navigation.ts';
import { createOpenExternal, idpOriginsFromEnv } from '../shell/open-external.ts';
import type { OpenExternalPolicy } from '../shell/open-external.ts';
import { createQuitHandler } from '../shell/shutdown.ts';
import { bringToFront, onSecondInstance } from '../shell/single-instance.ts';
import { buildTrayModel, trayTooltip } from '../shell/tray-model.ts';
import type { TrayAction } from '../shell/tray-model.ts';
import { buildWindowOptions } from '../shell/window-options.ts';
import { buildTrayMenu } from './tray.ts';

const TRAY_REFRESH_MS = 5_000;

// Privileged before 'ready' (Electron allows it only then): standard, so relative URLs and
// storage work; secure, so the UI is a secure context. No bypassCSP, no corsEnabled: other
// origins cannot read app:// resources.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let openWindow: () => void = () => {};

if (!app.requestSingleInstanceLock()) {
  // Another Tollgate owns the port and the database; it focuses its window on 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => onSecondInstance(() => mainWindow, () => openWindow()));
  app.whenReady().then(start).catch(fatal);
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Tollgate could not start', message);
  app.exit(1);
}

async function start(): Promise<void> {
  const env = process.env;
  const appPath = app.getAppPath();
  const uiRoot = join(appPath, 'dist', 'ui');
  const gatewayOptions = desktopGatewayOptions(env, app.getPath('userData'));

  let host: GatewayHost | null = null;
  const policy: OpenExternalPolicy = { gatewayOrigin: () => host?.origin() ?? null, trustedOrigins: idpOriginsFromEnv(env) };
  const external = createOpenExternal((url) => shell.openExternal(url), policy, (url, reason) => {
    console.warn(`Tollgate refused to open ${url}: ${reason}`);
  });
  const browserOpener = {
    async open(url: string): Promise<void> {
      if (!(await external.open(url))) throw new Error('the URL was refused by the desktop shell');
    },
  };
  const gatewayHost = new GatewayHost((overrides) => createGateway({ ...gatewayOptions, ...overrides, browserOpener }));
  host = gatewayHost;
  await gatewayHost.start();

  const sessions = new SessionHolder(gatewayHost);

  // Deny every permission prompt and check (camera, notifications, geolocation, ...): the UI needs none.
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);

  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: uiRoot, csp: () => buildCsp(gatewayHost.origin()) }));

  // Every webContents, including any the app did not mean to create, gets the guards.
  app.on('web-contents-created', (_event, contents) => guardContents(contents, policy, (url) => void external.open(url)));

  const getSession = createGetSessionHandler(sessions, () => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null));
  ipcMain.handle(GET_SESSION_CHANNEL, (event) => getSession(event));

  openWindow = () => {
    if (bringToFront(mainWindow)) return;
    const win = new BrowserWindow(
      buildWindowOptions({
        preloadPath: join(appPath, 'dist-electron', 'preload.cjs'),
        devTools: !app.isPackaged,
        iconPath: join(appPath, 'assets', 'icon.png'),
      }),
    );
    mainWindow = win;
    win.once('ready-to-show', () => bringToFront(win));
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    void win.loadURL(APP_ENTRY_URL);
  };

  const reloadWindow = (): void => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.webContents.reload();
  };

  wireSsoHandOff({
    onSsoComplete: (listener) => gatewayHost.onSsoComplete(listener),
    sessions,
    gatewayUrl: () => gatewayHost.url(),
    exchange: (url, token) => exchangeSignInToken(url, token),
    getWindow: () => (mainWindow === null ? null : asSignInWindow(mainWindow)),
    openWindow: () => openWindow(),
    onError: (error) => console.error('Tollgate SSO hand-off failed:', error instanceof Error ? error.message : error),
  });

  // Tray: status, today's spend, open window, pause/resume, start at login, quit.
  const loginItemsSupported = process.platform === 'darwin' || process.platform === 'win32';
  let busy = false;
  const refreshTray = (): void => {
    if (tray === null) return;
    const state = {
      status: gatewayHost.status(),
      paused: gatewayHost.isPaused(),
      busy,
      startAtLogin: loginItemsSupported ? app.getLoginItemSettings().openAtLogin : null,
    };
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(buildTrayMenu(buildTrayModel(state), dispatch));
  };
  const dispatch = (action: TrayAction): void => {
    switch (action) {
      case 'open-window':
        openWindow();
        break;
      case 'pause':
      case 'resume':
        busy = true;
        refreshTray();
        (action === 'pause' ? gatewayHost.pause() : gatewayHost.resume())
          .then(() => {
            sessions.clear();
            reloadWindow();
          })
          .catch((error: unknown) => dialog.showErrorBox(`Tollgate could not ${action}`, error instanceof Error ? error.message : String(error)))
          .finally(() => {
            busy = false;
            refreshTray();
          });
        break;
      case 'toggle-start-at-login':
        app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin });
        refreshTray();
        break;
      case 'quit':
        app.quit();
        break;
    }
  };
  tray = new Tray(nativeImage.createFromPath(join(appPath, 'assets', 'tray.png')));
  tray.on('click', () => openWindow());
  refreshTray();
  setInterval(refreshTray, TRAY_REFRESH_MS).unref();

  // The gateway keeps serving from the tray when the window is closed; Quit stops it.
  app.on('window-all-closed', () => {});
  app.on('activate', () => openWindow());
  app.on(
    'before-quit',
    createQuitHandler({
      stop: () => gatewayHost.stop(),
      exit: (code) => app.exit(code),
      onError: (error) => console.error('Tollgate stop failed:', error instanceof Error ? error.message : error),
    }),
  );

  openWindow();
}

/** Navigation, new windows and <webview>: each denied unless the shell's policy allows it. */
function guardContents(contents: WebContents, policy: OpenExternalPolicy, openExternally: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url, policy).openExternally) openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-frame-navigate', (event) => {
    const decision = decideNavigation(event.url, policy);
    if (decision.action === 'deny') {
      event.preventDefault();
      if (decision.openExternally) openExternally(event.url);
    }
  });
  // will-frame-navigate covers the top frame too; will-navigate is kept as a second lock.
  contents.on('will-navigate', (event) => {
    if (decideNavigation(event.url, policy).action === 'deny') event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (decideNavigation(event.url, policy).action === 'deny') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function asSignInWindow(win: BrowserWindow): SignInWindow {
  return {
    isDestroyed: () => win.isDestroyed(),
    isMinimized: () => win.isMinimized(),
    restore: () => win.restore(),
    show: () => win.show(),
    focus: () => win.focus(),
    reload: () => win.webContents.reload(),
  };
}
