/**
 * Helpers for the SSO tests: a real gateway and the real oidc-provider of test/support/oidc.ts
 * wired to each other, and a plain-HTTP "browser" that follows redirects by hand, keeps the
 * provider's cookies and fills its devInteractions login and consent forms.
 *
 * The provider needs the gateway's callback among its redirect URIs, and the gateway needs the
 * provider's issuer in its environment: start the provider, then the gateways (port 0), then
 * `registerCallbacks` (which rebuilds the provider with their callbacks, before any discovery).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import type { TestOidc } from '../../support/oidc.ts';
import type { TestGateway } from '../../support/gateway.ts';

/** The GENERIC_* environment for the provider's `sso` client, with discovery and ID-token validation. */
export function genericEnv(oidc: TestOidc, extra: Record<string, string> = {}): Record<string, string> {
  return { GENERIC_CLIENT_ID: oidc.clients.sso.client_id, GENERIC_CLIENT_SECRET: oidc.clients.sso.client_secret, GENERIC_ISSUER: oidc.issuer, ...extra };
}

/** LiteLLM's generic OAuth2 setup: explicit endpoints, no issuer (identity from userinfo). */
export function userinfoEnv(oidc: TestOidc, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GENERIC_CLIENT_ID: oidc.clients.sso.client_id, GENERIC_CLIENT_SECRET: oidc.clients.sso.client_secret,
    GENERIC_AUTHORIZATION_ENDPOINT: `${oidc.issuer}/auth`, GENERIC_TOKEN_ENDPOINT: oidc.tokenEndpoint, GENERIC_USERINFO_ENDPOINT: oidc.userinfoEndpoint,
    ...extra,
  };
}

export async function registerCallbacks(oidc: TestOidc, gateways: readonly { url: string }[]): Promise<void> {
  oidc.clients.sso.redirect_uris.splice(0, oidc.clients.sso.redirect_uris.length, ...gateways.map((g) => `${g.url}/sso/callback`));
  await oidc.restartWithNewKeys();
}

/** A cookie jar that ignores paths (enough for one provider on one origin). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=').slice(1).join('=')) < Date.now()) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Signs in at the provider as `login` starting from its authorize URL, following redirects and
 * submitting the login and consent forms; returns the URL the provider sends the browser to
 * (the gateway's callback, not yet requested).
 */
export async function loginAtIdp(oidc: TestOidc, authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Jar();
  let url = new URL(authorizeUrl);
  let form: URLSearchParams | null = null;
  for (let i = 0; i < 20; i++) {
    if (url.origin !== new URL(oidc.issuer).origin) return url;
    const res = await fetch(url, {
      method: form === null ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form === null ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(form === null ? {} : { body: form.toString() }),
    });
    jar.take(res);
    form = null;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status} at ${url.pathname}: ${html.slice(0, 300)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (action === undefined || prompt === undefined) throw new Error(`no form on ${url.pathname}: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url);
    form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
  }
  throw new Error('too many steps at the provider');
}

export interface CallbackResult {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

export async function get(url: string | URL): Promise<CallbackResult> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers };
}

/** GET /sso/key/generate: the authorize URL it redirects to. */
export async function startLogin(gw: TestGateway): Promise<URL> {
  const r = await get(`${gw.url}/sso/key/generate`);
  if (r.status !== 302 || r.location === null) throw new Error(`sso start answered ${r.status}: ${r.text.slice(0, 300)}`);
  return new URL(r.location);
}

/** The whole login: start at the gateway, sign in at the provider, deliver the callback. */
export async function fullLogin(gw: TestGateway, oidc: TestOidc, login: string): Promise<{ callbackUrl: URL; result: CallbackResult }> {
  const authorize = await startLogin(gw);
  const callbackUrl = await loginAtIdp(oidc, authorize.href, login);
  return { callbackUrl, result: await get(callbackUrl) };
}

export function tokenFromLocation(location: string | null): string {
  const m = /\/ui\/#token=([^&]+)$/.exec(location ?? '');
  if (m === null) throw new Error(`not a sign-in redirect: ${location}`);
  return decodeURIComponent(m[1]!);
}

/**
 * A relay in front of the provider's token endpoint (what a network attacker or a broken IdP
 * could answer). `mode` 'pass' forwards unchanged; otherwise the real ID token's claims are
 * re-signed after `tamper` changes them, with the provider's own key ('provider-key') or with a
 * fresh key under the provider's kid ('foreign-key').
 */
export interface TokenRelay {
  url: string;
  mode: 'pass' | 'provider-key' | 'foreign-key';
  tamper: (claims: Record<string, unknown>) => Record<string, unknown>;
  forwarded: number;
  stop(): Promise<void>;
}

export async function startTokenRelay(oidc: TestOidc): Promise<TokenRelay> {
  const foreign = await generateKeyPair('RS256');
  const relay: TokenRelay = {
    url: '', mode: 'pass', tamper: (c) => c, forwarded: 0,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        relay.forwarded++;
        const upstream = await fetch(oidc.tokenEndpoint, {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded', ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }) },
          body: Buffer.concat(chunks),
        });
        const body = (await upstream.json()) as Record<string, unknown>;
        if (relay.mode !== 'pass' && typeof body.id_token === 'string') {
          const claims = relay.tamper({ ...decodeJwt(body.id_token) });
          body.id_token = relay.mode === 'provider-key'
            ? await oidc.signWithProviderKey(claims)
            : await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: oidc.privateJwk.kid }).sign(foreign.privateKey);
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      })().catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  return relay;
}
