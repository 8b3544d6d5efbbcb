/**
 * A REAL OpenID Provider (panva/oidc-provider v9) on 127.0.0.1:0 for identity tests.
 *
 * - client_credentials for the `m2m` client: with a resource indicator the access token is a JWT
 *   (RS256, `aud` = the resource); without one it is opaque (introspect it).
 * - token introspection for the `introspector` client (client_secret_basic).
 * - userinfo for user access tokens (`issueUserAccessToken`), claims from `accounts`.
 * - authorization code + PKCE for the `sso` client (devInteractions on: the provider's own login
 *   form accepts any login name), `redirect_uris` configurable.
 * - custom claims: `issueJwt(overrides)` puts arbitrary claims (even `sub`, `exp`) into a JWT access
 *   token; `issueOpaque(extra)` adds claims to the opaque token's introspection answer.
 * - `privateJwk` is the provider's signing key, for tokens the provider cannot mint (expired,
 *   wrong audience, alg confusion ...): sign them with jose (`signWithProviderKey`).
 * - `restartWithNewKeys()` swaps in a provider with a fresh signing key (same port, same issuer);
 *   `stop()` closes the port (an outage), `start()` listens again on the same port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { JWK, JWTPayload } from 'jose';

/* The package ships no types; this is the small surface the helper uses. */
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  Client: { find(id: string): Promise<unknown> };
  Grant: new (init: { accountId: string; clientId: string }) => { addOIDCScope(s: string): void; save(): Promise<string> };
  AccessToken: new (init: { accountId: string; client: unknown; grantId: string; scope: string; gty?: string }) => { save(): Promise<string> };
  proxy?: boolean;
}
type ProviderCtor = new (issuer: string, config: Record<string, unknown>) => ProviderInstance;

let providerCtor: ProviderCtor | undefined;
async function loadProvider(): Promise<ProviderCtor> {
  if (providerCtor === undefined) {
    const name = 'oidc-provider';
    const mod = (await import(name)) as { default: ProviderCtor };
    providerCtor = mod.default;
  }
  return providerCtor;
}

export interface TestClient {
  client_id: string;
  client_secret: string;
}

export interface OidcOptions {
  /** Claims per account id, returned by userinfo and the ID token. */
  accounts?: Record<string, Record<string, unknown>>;
  /** Redirect URIs of the `sso` client (authorization code + PKCE). */
  redirectUris?: string[];
  /** The default resource indicator (the JWT access token's `aud`). */
  resource?: string;
  /** Extra scopes the m2m client may request (e.g. `litellm_proxy_admin`). */
  scopes?: string[];
}

export interface TestOidc {
  readonly issuer: string;
  readonly port: number;
  readonly discoveryUrl: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly userinfoEndpoint: string;
  readonly resource: string;
  readonly clients: { m2m: TestClient; introspector: TestClient; sso: TestClient & { redirect_uris: string[] } };
  /** The current signing key (private): sign hand-made tokens with it. */
  readonly privateJwk: JWK & { kid: string };
  readonly publicJwk: JWK & { kid: string };
  /** Requests the provider has served (all paths). */
  readonly requestCount: number;
  /** A client_credentials JWT access token for `resource` with `overrides` merged into its claims. */
  issueJwt(overrides?: Record<string, unknown>, resource?: string, scope?: string): Promise<string>;
  /** A client_credentials opaque access token; `extra` appears in its introspection answer. */
  issueOpaque(extra?: Record<string, unknown>, scope?: string): Promise<string>;
  /** An opaque user access token (scope `openid email profile`) usable at userinfo. */
  issueUserAccessToken(accountId: string, scope?: string): Promise<string>;
  /** Signs `claims` with the provider's private key (or `key`), header `alg`/`kid` overridable. */
  signWithProviderKey(claims: JWTPayload, header?: { alg?: string; kid?: string; typ?: string }): Promise<string>;
  setAccount(accountId: string, claims: Record<string, unknown>): void;
  restartWithNewKeys(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function newSigningKey(): Promise<{ privateJwk: JWK & { kid: string }; publicJwk: JWK & { kid: string } }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { privateJwk, publicJwk };
}

/** Starts the provider. Call `stop()` in `after()`. */
export async function startOidcProvider(options: OidcOptions = {}): Promise<TestOidc> {
  const Provider = await loadProvider();
  const accounts: Record<string, Record<string, unknown>> = { ...(options.accounts ?? {}) };
  const extraScopes = options.scopes ?? ['litellm_proxy_admin', 'llm.read', 'llm.write', 'models.cheap', 'models.all'];
  const clients = {
    m2m: { client_id: 'tollgate-m2m', client_secret: `m2m-${randomUUID()}` },
    introspector: { client_id: 'tollgate-introspector', client_secret: `intro-${randomUUID()}` },
    sso: { client_id: 'tollgate-sso', client_secret: `sso-${randomUUID()}`, redirect_uris: options.redirectUris ?? ['http://127.0.0.1:4000/sso/callback'] },
  };

  let keys = await newSigningKey();
  let requestCount = 0;
  // Token minting is serialised so that pending claims go to the right token.
  let pendingJwtOverrides: Record<string, unknown> | undefined;
  let pendingExtra: Record<string, unknown> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  const server: Server = createServer((req, res) => {
    requestCount++;
    handler(req, res);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const resource = options.resource ?? 'https://tollgate.test/api';

  function build(): ProviderInstance {
    const config: Record<string, unknown> = {
      clients: [
        { ...clients.m2m, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: extraScopes.join(' ') },
        { ...clients.introspector, grant_types: [], response_types: [], redirect_uris: [] },
        {
          ...clients.sso,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [keys.privateJwk] },
      cookies: { keys: [`cookie-${randomUUID()}`] },
      scopes: ['openid', 'email', 'profile', 'offline_access', ...extraScopes],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups', 'roles', 'team_id', 'team_ids'] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        introspection: {
          enabled: true,
          // Only the gateway's introspecting client may introspect (and the token's own client).
          allowedPolicy: async (ctx: { oidc: { client: { clientId: string } } }, _client: unknown, token: { clientId?: string }) =>
            ctx.oidc.client.clientId === clients.introspector.client_id || ctx.oidc.client.clientId === token.clientId,
        },
        userinfo: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string) => ({
            scope: extraScopes.join(' '),
            audience: resourceIndicator,
            accessTokenTTL: 3600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({ sub, ...(accounts[sub] ?? {}) }),
      }),
      extraTokenClaims: async () => pendingExtra,
      formats: {
        customizers: {
          jwt: async (_ctx: unknown, _token: unknown, jwt: { payload: Record<string, unknown> }) => {
            if (pendingJwtOverrides !== undefined) {
              for (const [k, v] of Object.entries(pendingJwtOverrides)) {
                if (v === undefined) delete jwt.payload[k];
                else jwt.payload[k] = v;
              }
            }
          },
        },
      },
      ttl: { AccessToken: 3600, ClientCredentials: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    };
    return new Provider(issuer, config);
  }

  let provider = build();
  let handler = provider.callback();

  async function tokenRequest(params: Record<string, string>): Promise<string> {
    const basic = Buffer.from(`${clients.m2m.client_id}:${clients.m2m.client_secret}`).toString('base64');
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(),
    });
    const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!res.ok || body.access_token === undefined) {
      throw new Error(`oidc token request failed: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
    }
    return body.access_token;
  }

  const api: TestOidc = {
    issuer,
    port,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    introspectionEndpoint: `${issuer}/token/introspection`,
    userinfoEndpoint: `${issuer}/me`,
    resource,
    clients,
    get privateJwk() {
      return keys.privateJwk;
    },
    get publicJwk() {
      return keys.publicJwk;
    },
    get requestCount() {
      return requestCount;
    },
    issueJwt(overrides = {}, res = resource, scope) {
      return serial(async () => {
        pendingJwtOverrides = overrides;
        try {
          return await tokenRequest({ resource: res, ...(scope === undefined ? {} : { scope }) });
        } finally {
          pendingJwtOverrides = undefined;
        }
      });
    },
    issueOpaque(extra = {}, scope) {
      return serial(async () => {
        pendingExtra = extra;
        try {
          return await tokenRequest(scope === undefined ? {} : { scope });
        } finally {
          pendingExtra = undefined;
        }
      });
    },
    async issueUserAccessToken(accountId, scope = 'openid email profile') {
      const client = await provider.Client.find(clients.sso.client_id);
      const grant = new provider.Grant({ accountId, clientId: clients.sso.client_id });
      grant.addOIDCScope(scope);
      const grantId = await grant.save();
      const at = new provider.AccessToken({ accountId, client, grantId, scope, gty: 'authorization_code' });
      return at.save();
    },
    async signWithProviderKey(claims, header = {}) {
      const key = await importJWK(keys.privateJwk, 'RS256');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? keys.privateJwk.kid, ...(header.typ === undefined ? {} : { typ: header.typ }) })
        .sign(key);
    },
    setAccount(accountId, claims) {
      accounts[accountId] = claims;
    },
    async restartWithNewKeys() {
      keys = await newSigningKey();
      provider = build();
      handler = provider.callback();
    },
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async start() {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
  };
  return api;
}
