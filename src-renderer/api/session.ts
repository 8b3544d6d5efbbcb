/**
 * Where the UI's credential comes from and where it is kept: the Electron preload
 * (`window.tollgate.getSession()`), a one-time sign-in link, or the master key typed on the
 * sign-in page. Kept in memory and in sessionStorage only (gone when the tab closes; never
 * localStorage, never a cookie).
 */

export type SessionKind = 'session' | 'master_key' | 'desktop';

export interface Session {
  /** The bearer: a UI session token, or the master key itself. */
  token: string;
  kind: SessionKind;
  expires_at: string | null;
  user_id: string | null;
  user_role: string;
  /** Gateway origin; '' means this page's origin. */
  gateway_url: string;
}

/** What the Electron preload exposes through contextBridge. */
export interface DesktopBridge {
  getSession: () => DesktopSession | Promise<DesktopSession>;
}

export interface DesktopSession {
  session_token: string;
  expires_at: string | null;
  user_id: string | null;
  user_role: string;
  gateway_url: string;
}

declare global {
  interface Window {
    tollgate?: DesktopBridge;
  }
}

const STORAGE_KEY = 'tollgate.session';

export function desktopBridge(): DesktopBridge | null {
  const bridge = window.tollgate;
  return bridge !== undefined && typeof bridge.getSession === 'function' ? bridge : null;
}

export function isExpired(session: Session, now: number = Date.now()): boolean {
  if (session.expires_at === null) return false;
  const t = Date.parse(session.expires_at);
  return Number.isFinite(t) && t <= now;
}

export function loadStoredSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.user_role !== 'string') return null;
    const session: Session = {
      token: s.token,
      kind: s.kind === 'master_key' ? 'master_key' : 'session',
      expires_at: typeof s.expires_at === 'string' ? s.expires_at : null,
      user_id: typeof s.user_id === 'string' ? s.user_id : null,
      user_role: s.user_role,
      gateway_url: typeof s.gateway_url === 'string' ? s.gateway_url : '',
    };
    return isExpired(session) ? null : session;
  } catch {
    return null;
  }
}

export function storeSession(session: Session): void {
  // The desktop session comes from the preload on every launch; no need to keep a copy.
  if (session.kind === 'desktop') return;
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage can be disabled; the session then lasts as long as the page.
  }
}

export function clearStoredSession(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** Removes the `#token=...` fragment from the address bar and history without reloading. */
export function clearLocationFragment(): void {
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
}

/** Origin for snippets and links: the desktop's gateway URL, else this page's origin. */
export function gatewayOrigin(session: Session | null): string {
  if (session !== null && session.gateway_url !== '') return session.gateway_url.replace(/\/+$/, '');
  return window.location.origin;
}
