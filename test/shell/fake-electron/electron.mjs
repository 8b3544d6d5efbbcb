// A fake of the Electron main-process API, just enough to boot dist-electron/main.js on plain
// Node. Once the window loads, it drives the app the way Chromium and the user would, prints one
// JSON report line to stdout prefixed with REPORT, and quits through the tray's Quit.
import { EventEmitter } from 'node:events';

const appPath = process.env.FAKE_ELECTRON_APP_PATH;
const userData = process.env.FAKE_ELECTRON_USER_DATA;
const rec = { schemes: null, protocol: null, ipc: new Map(), windows: [], permissionRequest: null, permissionCheck: null, trays: [], opened: [] };
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));
let nextId = 1;

class FakeApp extends EventEmitter {
  isPackaged = false;
  requestSingleInstanceLock() { return true; }
  whenReady() { setImmediate(readyResolve); return ready; }
  getAppPath() { return appPath; }
  getPath() { return userData; }
  getLoginItemSettings() { return { openAtLogin: false }; }
  setLoginItemSettings() {}
  quit() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exit(0);
  }
  exit(code) { process.exit(code); }
}
export const app = new FakeApp();

class WebContents extends EventEmitter {
  id = nextId++;
  windowOpenHandler = null;
  setWindowOpenHandler(h) { this.windowOpenHandler = h; }
  reload() {}
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.url = null;
    rec.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    this.url = url;
    setImmediate(() => void drive(this).catch((e) => { console.error(e); process.exit(3); }));
  }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  restore() {}
  show() {}
  focus() {}
}

export const protocol = {
  registerSchemesAsPrivileged(s) { rec.schemes = s; },
  handle(scheme, handler) { rec.protocol = { scheme, handler }; },
};
export const ipcMain = { handle(channel, h) { rec.ipc.set(channel, h); } };
export const session = {
  defaultSession: {
    setPermissionRequestHandler(h) { rec.permissionRequest = h; },
    setPermissionCheckHandler(h) { rec.permissionCheck = h; },
    setDevicePermissionHandler() {},
  },
};
export const shell = { async openExternal(url) { rec.opened.push(url); } };
export const dialog = { showErrorBox(title, text) { console.error(`DIALOG ${title}: ${text}`); } };
export const nativeImage = { createFromPath: (p) => ({ path: p }) };
export class Tray extends EventEmitter {
  constructor(image) { super(); this.image = image; this.menu = null; this.tooltip = ''; rec.trays.push(this); }
  setToolTip(t) { this.tooltip = t; }
  setContextMenu(m) { this.menu = m; }
}
export const Menu = { buildFromTemplate: (template) => ({ items: template }) };
export const contextBridge = {};
export const ipcRenderer = {};
export default { app, BrowserWindow, protocol, ipcMain, session, shell, dialog, nativeImage, Tray, Menu };

/** What a user and Chromium would do with the loaded window. */
async function drive(win) {
  const report = {};
  report.schemes = rec.schemes;
  report.webPreferences = win.options.webPreferences;
  report.loadedUrl = win.url;

  const serve = (url, method = 'GET') => rec.protocol.handler(new Request(url, { method }));
  const page = await serve(win.url);
  report.page = { status: page.status, type: page.headers.get('content-type'), csp: page.headers.get('content-security-policy'), body: await page.text() };
  report.asset = (await serve('app://tollgate/ui/assets/app.js')).status;
  report.traversal = (await serve('app://tollgate/ui/%2e%2e/%2e%2e/package.json')).status;

  let granted = null;
  rec.permissionRequest(win.webContents, 'media', (g) => (granted = g), {});
  report.permissionGranted = granted;
  report.permissionCheck = rec.permissionCheck(win.webContents, 'notifications', 'app://tollgate', {});

  const wc = win.webContents;
  const nav = (url) => { let prevented = false; wc.emit('will-frame-navigate', { url, preventDefault: () => (prevented = true) }); return prevented; };
  report.navigationBlocked = { evil: nav('http://evil.example/'), file: nav('file:///etc/passwd'), app: nav('app://tollgate/ui/#/keys') };
  report.windowOpen = wc.windowOpenHandler({ url: 'https://docs.example.com/' });
  let webviewPrevented = false;
  wc.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) }, {}, {});
  report.webviewPrevented = webviewPrevented;

  const getSession = rec.ipc.get('tollgate:get-session');
  const trusted = { sender: { id: wc.id }, senderFrame: { url: 'app://tollgate/ui/', parent: null } };
  const s = await getSession(trusted);
  report.session = { role: s.user_role, user: s.user_id, gateway_url: s.gateway_url, hasToken: typeof s.session_token === 'string' && s.session_token.length > 16 };
  try {
    await getSession({ sender: { id: wc.id + 100 }, senderFrame: { url: 'app://tollgate/ui/', parent: null } });
    report.untrustedRefused = false;
  } catch {
    report.untrustedRefused = true;
  }
  // As the renderer calls it: from the app:// origin, with the bearer, after a CORS preflight.
  const preflight = await fetch(`${s.gateway_url}/ui/whoami`, {
    method: 'OPTIONS',
    headers: { origin: 'app://tollgate', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  report.preflight = { status: preflight.status, allowOrigin: preflight.headers.get('access-control-allow-origin') };
  const whoami = await fetch(`${s.gateway_url}/ui/whoami`, { headers: { origin: 'app://tollgate', authorization: `Bearer ${s.session_token}` } });
  report.whoami = whoami.status;
  report.whoamiAllowOrigin = whoami.headers.get('access-control-allow-origin');
  await new Promise((r) => setTimeout(r, 50));

  const tray = rec.trays[0];
  report.tray = { tooltip: tray?.tooltip, labels: tray?.menu?.items.map((i) => i.label ?? i.type) };
  await new Promise((r) => setTimeout(r, 10));
  await wc.windowOpenHandler({ url: 'https://docs.example.com/' });
  await new Promise((r) => setTimeout(r, 10));
  report.opened = rec.opened;

  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  const quit = tray.menu.items.find((i) => i.label === 'Quit');
  quit.click();
}
