/**
 * The window's UI session. The main process makes a per-launch owner session (ARCHITECTURE: "a
 * per-launch UI session token ... through the preload"), and replaces it when an SSO login
 * completes. The renderer reads it with the one IPC call `tollgate:get-session`, answered only for
 * the trusted sender (ipc-guard.ts). No cookies: the renderer sends `Authorization: Bearer`.
 */
import { z } from 'zod';
import { isRole } from '../../src-shared/roles.ts';
import type { Role } from '../../src-shared/roles.ts';
import type { UiSession } from '../core/gateway-types.ts';
import { isTrustedSender } from './ipc-guard.ts';
import type { IpcSenderLike } from './ipc-guard.ts';
import { bringToFront } from './single-instance.ts';
import type { FocusableWindow } from './single-instance.ts';

export const GET_SESSION_CHANNEL = 'tollgate:get-session';

/** What `window.tollgate.getSession()` resolves to. */
export interface DesktopSession extends UiSession {
  /** The gateway's loopback base URL, e.g. `http://127.0.0.1:4000`. */
  gateway_url: string;
}

/** The gateway calls this module needs; GatewayHost provides them across pause and resume. */
export interface SessionSource {
  createOwnerSession(): UiSession | null;
  url(): string | null;
}

/** Refresh a session this close to its expiry rather than hand out one about to fail. */
const EXPIRY_MARGIN_MS = 60_000;

export class SessionHolder {
  private current: DesktopSession | null = null;

  constructor(
    private readonly source: SessionSource,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The session for the window: the current one while it is valid and belongs to the running
   * gateway, otherwise a fresh owner session (the desktop user is the machine's owner). Null while
   * the gateway is paused.
   */
  get(): DesktopSession | null {
    const url = this.source.url();
    if (url === null) return null;
    const c = this.current;
    if (c !== null && c.gateway_url === url && Date.parse(c.expires_at) - EXPIRY_MARGIN_MS > this.now()) return c;
    const owner = this.source.createOwnerSession();
    this.current = owner === null ? null : { ...owner, gateway_url: url };
    return this.current;
  }

  set(session: DesktopSession): void {
    this.current = session;
  }

  clear(): void {
    this.current = null;
  }
}

/**
 * The `ipcMain.handle(GET_SESSION_CHANNEL, ...)` body. Throws (the renderer's invoke rejects) for
 * any other sender, and while the gateway is paused.
 */
export function createGetSessionHandler(
  sessions: Pick<SessionHolder, 'get'>,
  mainWebContentsId: () => number | null,
): (event: IpcSenderLike) => DesktopSession {
  return (event) => {
    if (!isTrustedSender(event, mainWebContentsId())) throw new Error('tollgate:get-session refused: untrusted sender');
    const session = sessions.get();
    if (session === null) throw new Error('The gateway is paused; resume it from the tray.');
    return session;
  };
}

const uiSessionSchema = z.object({
  session_token: z.string().min(16).max(512),
  expires_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
  user_id: z.string().min(1).max(512),
  user_role: z.string().refine(isRole, 'unknown role'),
});

/** POST /ui/session (CONTRACT section 4): trade a one-time sign-in token for a UI session. */
export async function exchangeSignInToken(
  gatewayUrl: string,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Promise<UiSession> {
  const res = await fetchImpl(new URL('/ui/session', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) throw new Error(`sign-in token exchange failed with HTTP ${res.status}`);
  const parsed = uiSessionSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error('sign-in token exchange returned an unexpected body');
  return { ...parsed.data, user_role: parsed.data.user_role as Role };
}

/** The window as the SSO hand-off drives it. */
export interface SignInWindow extends FocusableWindow {
  /** Reloads the UI so that it reads the new session. */
  reload(): void;
}

export interface SsoHandOffDeps {
  /** Gateway.onSsoComplete, or GatewayHost's, which follows pause and resume. */
  onSsoComplete(listener: (signInToken: string) => void): () => void;
  sessions: Pick<SessionHolder, 'set'>;
  gatewayUrl: () => string | null;
  exchange: (gatewayUrl: string, token: string) => Promise<UiSession>;
  getWindow: () => SignInWindow | null;
  /** Opens the window when it was closed; it reads the session as it loads. */
  openWindow: () => void;
  onError: (error: unknown) => void;
}

/**
 * SSO hand-off (ARCHITECTURE, "The desktop shell"): the system browser finished the login at the
 * gateway's /sso/callback; the gateway emits a one-time sign-in token, which is exchanged here in
 * the main process, so the token never enters a URL the window loads. The window is then reloaded
 * with the new session and brought to the front.
 */
export function wireSsoHandOff(deps: SsoHandOffDeps): () => void {
  return deps.onSsoComplete((token) => {
    void (async () => {
      const url = deps.gatewayUrl();
      if (url === null) throw new Error('SSO completed while the gateway is paused');
      const session = await deps.exchange(url, token);
      deps.sessions.set({ ...session, gateway_url: url });
      const win = deps.getWindow();
      if (win !== null && !win.isDestroyed()) {
        win.reload();
        bringToFront(win);
      } else {
        deps.openWindow();
      }
    })().catch(deps.onError);
  });
}
