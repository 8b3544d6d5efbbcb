/**
 * The app shell: finds a credential (one-time link, Electron preload, this tab's storage, or the
 * sign-in page), then shows the sidebar and the page named in the fragment. Any refused
 * credential sends the user back to sign-in.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, GatewayClient } from './api/GatewayClient.ts';
import type { Session } from './api/session.ts';
import { clearLocationFragment, clearStoredSession, desktopBridge, gatewayOrigin, isExpired, loadStoredSession, storeSession } from './api/session.ts';
import { AppContext } from './AppContext.tsx';
import type { AppServices } from './AppContext.tsx';
import { Toasts } from './components/Toasts.tsx';
import type { Toast } from './components/Toasts.tsx';
import { Loading } from './components/States.tsx';
import { Sidebar } from './components/Sidebar.tsx';
import { useHashRoute } from './hooks/useHashRoute.ts';
import { NAV_ITEMS, pageFor } from './pages/registry.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { roleCan, roleLabel } from './lib/permissions.ts';
import type { Method } from './lib/permissions.ts';
import { readSignInToken } from './lib/sign-in-link.ts';

type Phase =
  | { name: 'booting' }
  | { name: 'signed-out'; notice: string | null; error: string | null }
  | { name: 'signing-in' }
  | { name: 'signed-in'; session: Session };

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function App() {
  const [phase, setPhase] = useState<Phase>({ name: 'booting' });
  const sessionRef = useRef<Session | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const route = useHashRoute();

  const signedOut = useCallback((notice: string | null, error: string | null = null) => {
    sessionRef.current = null;
    clearStoredSession();
    setPhase({ name: 'signed-out', notice, error });
  }, []);

  const enter = useCallback((session: Session) => {
    sessionRef.current = session;
    storeSession(session);
    setPhase({ name: 'signed-in', session });
  }, []);

  const baseUrl = phase.name === 'signed-in' ? phase.session.gateway_url : '';
  const client = useMemo(
    () =>
      new GatewayClient({
        baseUrl,
        getToken: () => sessionRef.current?.token ?? null,
        onUnauthorized: (err) => {
          if (sessionRef.current === null) return;
          signedOut(`You were signed out: ${err.message}`);
        },
      }),
    [baseUrl, signedOut],
  );

  // Find a credential once, on load.
  useEffect(() => {
    let cancelled = false;
    const boot = async (): Promise<void> => {
      const linkToken = readSignInToken(window.location.hash);
      if (linkToken !== null) {
        // Take the token out of the address bar and history before anything else happens.
        clearLocationFragment();
        setPhase({ name: 'signing-in' });
        try {
          const anon = new GatewayClient({ baseUrl: '', getToken: () => null });
          const grant = await anon.exchangeSignInToken(linkToken);
          if (cancelled) return;
          enter({ token: grant.session_token, kind: 'session', expires_at: grant.expires_at ?? null, user_id: grant.user_id ?? null, user_role: grant.user_role, gateway_url: '' });
        } catch (err) {
          if (cancelled) return;
          signedOut(null, `This sign-in link was not accepted (${messageOf(err)}). Links work once and expire after a few minutes; ask for a new one.`);
        }
        return;
      }
      const bridge = desktopBridge();
      if (bridge !== null) {
        try {
          const s = await bridge.getSession();
          if (cancelled) return;
          enter({ token: s.session_token, kind: 'desktop', expires_at: s.expires_at, user_id: s.user_id, user_role: s.user_role, gateway_url: s.gateway_url });
          return;
        } catch (err) {
          if (!cancelled) signedOut(null, `The desktop app could not start a session: ${messageOf(err)}`);
          return;
        }
      }
      const stored = loadStoredSession();
      if (cancelled) return;
      if (stored !== null) enter(stored);
      else signedOut(null);
    };
    void boot();
    return () => {
      cancelled = true;
    };
  }, [enter, signedOut]);

  // Sessions end on time even when the page sits idle.
  const session = phase.name === 'signed-in' ? phase.session : null;
  useEffect(() => {
    if (session === null || session.expires_at === null) return undefined;
    const ms = Date.parse(session.expires_at) - Date.now();
    if (!Number.isFinite(ms)) return undefined;
    if (isExpired(session)) {
      signedOut('Your session expired. Sign in again.');
      return undefined;
    }
    const t = window.setTimeout(() => signedOut('Your session expired. Sign in again.'), Math.min(ms, 2_147_000_000));
    return () => window.clearTimeout(t);
  }, [session, signedOut]);

  const signInWithMasterKey = useCallback(
    async (key: string) => {
      setPhase({ name: 'signing-in' });
      const probe = new GatewayClient({ baseUrl: '', getToken: () => key });
      try {
        const me = await probe.whoami();
        enter({ token: key, kind: 'master_key', expires_at: null, user_id: me.user_id ?? null, user_role: me.user_role, gateway_url: '' });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) {
          // A gateway without /ui/whoami: the master key is the admin's credential by definition.
          enter({ token: key, kind: 'master_key', expires_at: null, user_id: null, user_role: 'proxy_admin', gateway_url: '' });
          return;
        }
        const why = err instanceof ApiError && err.status === 401 ? 'The gateway did not accept this key.' : messageOf(err);
        signedOut(null, why);
      }
    },
    [enter, signedOut],
  );

  const signOut = useCallback(() => {
    const current = sessionRef.current;
    if (current !== null && current.kind !== 'master_key') {
      // Revoke on the server; the local session is forgotten either way.
      client.revokeSession().catch(() => undefined);
    }
    signedOut('You are signed out.');
  }, [client, signedOut]);

  const notify = useCallback((message: string, tone: 'success' | 'error' = 'success') => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list.slice(-3), { id, message, tone }]);
    window.setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 5000);
  }, []);

  const services = useMemo<AppServices | null>(() => {
    if (session === null) return null;
    return {
      client,
      session,
      gatewayUrl: gatewayOrigin(session),
      can: (method: Method, path: string) => roleCan(session.user_role, method, path),
      notify,
      signOut,
    };
  }, [client, session, notify, signOut]);

  if (phase.name === 'booting' || phase.name === 'signing-in') {
    return (
      <main className="signin">
        <Loading label={phase.name === 'booting' ? 'Starting…' : 'Signing in…'} />
      </main>
    );
  }
  if (phase.name === 'signed-out' || services === null) {
    return (
      <SignInPage
        notice={phase.name === 'signed-out' ? phase.notice : null}
        error={phase.name === 'signed-out' ? phase.error : null}
        busy={false}
        onMasterKey={(k) => void signInWithMasterKey(k)}
        ssoUrl={`${baseUrl}/sso/key/generate`}
      />
    );
  }

  const visible = NAV_ITEMS.filter((item) => item.readPath === null || services.can('GET', item.readPath));
  const active = visible.find((item) => item.id === route) ?? visible[0];
  const Page = active === undefined ? null : pageFor(active.id);

  return (
    <AppContext.Provider value={services}>
      <a className="skip-link" href="#content" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus(); }}>
        Skip to content
      </a>
      <div className="app">
        <Sidebar items={visible} active={active?.id ?? ''} gatewayUrl={services.gatewayUrl} />
        <div className="main">
          <header className="topbar">
            <div className="topbar-title">{active?.label ?? ''}</div>
            <div className="topbar-user" data-testid="signed-in-user">
              <span className="user-id">{services.session.user_id ?? (services.session.kind === 'master_key' ? 'Master key' : 'Signed in')}</span>
              <span className="badge badge-accent" data-testid="signed-in-role" title={services.session.user_role}>
                {roleLabel(services.session.user_role)}
              </span>
              <button type="button" className="button button-small" onClick={signOut}>
                Sign out
              </button>
            </div>
          </header>
          <main id="content" className="content" tabIndex={-1}>
            {Page === null ? null : <Page key={active?.id} />}
          </main>
        </div>
      </div>
      <Toasts toasts={toasts} onDismiss={(id) => setToasts((list) => list.filter((t) => t.id !== id))} />
    </AppContext.Provider>
  );
}
