/**
 * createGateway: assembles the core from its parts (config, secrets, store, auth, policy, proxy,
 * management, HTTP) and gives hosts (CLI, desktop shell) one object to start and stop.
 */
import { createServer, type Server } from 'node:http';
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../../src-shared/errors.ts';
import { keyGenerateSchema, keyUpdateSchema, keyDeleteSchema, keyRegenerateSchema, keyBlockSchema, uiSessionCreateSchema, authExplainSchema } from '../../src-shared/management.ts';
import type { Role } from '../../src-shared/roles.ts';
import { loadConfig } from './config/index.ts';
import { openDatabase, KeysRepository, AuditRepository } from './store/index.ts';
import { selectSecretStore, insecureSecretsAllowed, SecretResolver, loadOrCreateMasterKey } from './secrets/index.ts';
import {
  AuthChain, KeyIndex, SessionStore, createMasterKeyAuthenticator, createSessionAuthenticator, createVirtualKeyAuthenticator,
} from './auth/index.ts';
import type { Governor } from './policy/index.ts';
import { createGovernance } from './governance/index.ts';
import { governanceBodySchemas } from '../../src-shared/governance.ts';
import { Forwarder, ModelRegistry } from './proxy/index.ts';
import { AuditService } from './management/audit.ts';
import { KeyService } from './management/keys.ts';
import { keyHandlers } from './management/keys-routes.ts';
import { createModels } from './models/index.ts';
import { modelBodySchemas } from '../../src-shared/models.ts';
import type { HandlerTable } from './management/handlers.ts';
import { createLogger, Metrics } from './observability/index.ts';
import { Guard } from './http/guard.ts';
import { createHttpApp, RawResponse } from './http/app.ts';
import { parseBody } from './http/errors.ts';
import { buildOpenApi } from './http/openapi.ts';
import { explain } from './http/explain.ts';
import { wireIdentity } from './identity-wiring.ts';
import { wireSso } from './sso/index.ts';
import { systemClock } from './ports.ts';
import type { Gateway, GatewayOptions, GatewayStatus, UiSession } from './gateway-types.ts';

const VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
const UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));
const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ level: options.logLevel ?? env.TOLLGATE_LOG_LEVEL ?? 'info', ...(options.logDestination === undefined ? {} : { destination: options.logDestination }) });
  const loaded = loadConfig(options.configPath, env);
  for (const w of loaded.warnings) logger.warn(w);
  const cfg = loaded.config;
  const gs = cfg.general_settings;

  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    accessSync(options.dataDir, constants.R_OK | constants.W_OK);
  } catch (err) {
    throw new Error(`data directory ${options.dataDir} is not usable: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }

  let store = options.secretStore;
  if (store === undefined) {
    const selected = await selectSecretStore({ dataDir: options.dataDir, allowInsecure: insecureSecretsAllowed(gs.allow_insecure_secret_storage, env) });
    for (const w of selected.warnings) logger.warn(w);
    store = selected.store;
  }
  const secrets = new SecretResolver(store, env);
  const configuredMaster = options.masterKey ?? env.TOLLGATE_MASTER_KEY ?? env.LITELLM_MASTER_KEY ?? (gs.master_key === undefined ? undefined : await secrets.resolve(gs.master_key));
  const master = await loadOrCreateMasterKey({ store, dataDir: options.dataDir, ...(configuredMaster === undefined ? {} : { configured: configuredMaster }), log: (m) => logger.warn(m) });

  const db = openDatabase(options.dataDir);
  // Anything that fails from here on (identity or SSO settings, say) must not leave the database
  // open or the governance timers running: the desktop app may try again in the same process.
  let governanceToClose: { close(): Promise<void> } | undefined;
  try {
    const keysRepo = new KeysRepository(db);
    const keyIndex = new KeyIndex();
    keyIndex.load(keysRepo.all(), keysRepo.graceTokens());
    const audit = new AuditService(new AuditRepository(db), clock);
    const metrics = new Metrics();

    const ls = cfg.litellm_settings;
    const governance = createGovernance({
      db, clock, audit, keyIndex, keysRepo, log: logger,
      settings: {
        ...(ls.max_budget === undefined ? {} : { maxBudget: ls.max_budget }),
        ...(ls.budget_duration === undefined ? {} : { budgetDuration: ls.budget_duration }),
        ...(ls.timezone === undefined ? {} : { timezone: ls.timezone }),
        ...(ls.max_end_user_budget === undefined ? {} : { maxEndUserBudget: ls.max_end_user_budget }),
        ...(ls.default_end_user_budget_id === undefined ? {} : { defaultEndUserBudgetId: ls.default_end_user_budget_id }),
        ...(gs.alerting_webhook_url === undefined ? {} : { alertingWebhookUrl: gs.alerting_webhook_url }),
      },
    });
    governanceToClose = governance;
    governance.start();
    let governor: Governor = governance.governor;
    let roleOf: (userId: string) => Role | undefined = (id) => governance.roleOf(id);
    const keys = new KeyService({
      repo: keysRepo, index: keyIndex, audit, clock,
      hooks: { isTeamAdmin: (a, t) => governance.isTeamAdmin(a, t), checkOwners: (b) => governance.checkOwners(b), onChange: (rec, id) => governance.onKeyChange(rec, id) },
    });
    const sessions = new SessionStore(clock, gs.ui_session_ttl_minutes === undefined ? {} : { sessionTtlMs: gs.ui_session_ttl_minutes * 60_000 });
    const registry = new ModelRegistry(cfg.model_list);
    const forwarder = new Forwarder({ clock });

    const identity = await wireIdentity(gs, env, { configDir: loaded.configDir, configPath: loaded.path, clock, governance, keyIndex, roleOf: (id) => roleOf(id) });
    identity.warm();
    const chain = new AuthChain({
      ...(gs.litellm_key_header_name === undefined ? {} : { customHeader: gs.litellm_key_header_name }),
      master: createMasterKeyAuthenticator(() => master.key),
      ...(identity.custom === undefined ? {} : { custom: identity.custom }),
      builtins: [createSessionAuthenticator(sessions), createVirtualKeyAuthenticator(keyIndex, clock, (id) => roleOf(id), (id) => governance.orgOf(id))],
      identity: identity.identity,
    });

    let host = options.host ?? '127.0.0.1';
    let port: number | null = null;
    const ownOrigins = (): string[] => {
      if (port === null) return [];
      const hosts = new Set(['127.0.0.1', 'localhost', host.includes(':') ? `[${host}]` : host]);
      return [...[...hosts].map((h) => `http://${h}:${port}`), 'app://tollgate'];
    };
    const guard = new Guard({ allowedHosts: [...(gs.allowed_hosts ?? DEFAULT_HOSTS), ...(options.host && !['0.0.0.0', '::'].includes(options.host) ? [options.host] : [])], allowedOrigins: gs.allowed_origins ?? [], ownOrigins });

    const ssoListeners = new Set<(token: string) => void>();
    const ssoBaseUrl = (): string | null => (port === null ? null : `http://${['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`);
    const sso = await wireSso(gs, env, { configDir: loaded.configDir, configPath: loaded.path, clock, governance, audit, sessions, logger, browserOpener: options.browserOpener, listeners: ssoListeners, ownBaseUrl: ssoBaseUrl });
    const ownerSession = (): UiSession => {
      const s = sessions.createSession({ user_id: 'owner', user_role: 'proxy_admin' });
      return { session_token: s.token, expires_at: new Date(s.info.expiresAt).toISOString(), user_id: s.info.user_id, user_role: s.info.user_role };
    };

    const llmDeps = { registry, forwarder, secrets, governor: () => governor, clock, metrics };
    const models = createModels({ db, llm: llmDeps, keyIndex, config: cfg.model_list, secrets, audit, clock, log: logger });
    const bodySchemas = {
      'POST /key/generate': keyGenerateSchema, 'POST /key/update': keyUpdateSchema, 'POST /key/delete': keyDeleteSchema,
      'POST /key/regenerate': keyRegenerateSchema, 'POST /key/block': keyBlockSchema, 'POST /key/unblock': keyBlockSchema, 'POST /ui/session': uiSessionCreateSchema, 'POST /auth/explain': authExplainSchema,
      ...modelBodySchemas,
      ...governanceBodySchemas,
    };
    const openapi = buildOpenApi(bodySchemas, VERSION);
    const handlers: HandlerTable = {
      ...governance.handlers,
      ...keyHandlers(keys),
      ...sso.handlers,
      ...models.handlers,
      'GET /health/liveliness': () => "I'm alive!",
      'GET /health/liveness': () => "I'm alive!",
      'GET /health/readiness': () => ({ status: 'healthy', db: 'connected', version: VERSION }),
      'GET /openapi.json': () => openapi,
      'GET /metrics': async () => new RawResponse(200, metrics.registry.contentType, await metrics.registry.metrics()),
      'GET /audit': (c) => {
        const page = Number(c.query.page ?? '1');
        const pageSize = Number(c.query.page_size ?? '50');
        if (!Number.isInteger(page) || page < 1) throw new GatewayError('ERR_BAD_REQUEST', 'page must be a positive integer.', { param: 'page' });
        if (!Number.isInteger(pageSize) || pageSize < 1) throw new GatewayError('ERR_BAD_REQUEST', 'page_size must be a positive integer.', { param: 'page_size' });
        const r = audit.list({ page, page_size: pageSize, ...(c.query.object_type ? { object_type: c.query.object_type } : {}), ...(c.query.object_id ? { object_id: c.query.object_id } : {}), ...(c.query.action ? { action: c.query.action } : {}) });
        return { data: r.rows, total: r.total, page, page_size: pageSize };
      },
      'POST /ui/session': (c) => {
        const { token } = parseBody(uiSessionCreateSchema, c.body);
        const s = sessions.exchange(token);
        if (s === undefined) throw new GatewayError('ERR_INVALID_CREDENTIAL', 'This sign-in link has expired or was already used. Get a new one from `tollgate serve` or sign in again.', { param: 'token' });
        audit.record({ user_id: s.info.user_id, role: s.info.user_role, org_id: null, display: `${s.info.user_id} (session:${s.info.session_id})`, request_id: c.requestId }, 'ui.sign_in', 'session', s.info.session_id, null, { user_id: s.info.user_id, user_role: s.info.user_role });
        return { session_token: s.token, expires_at: new Date(s.info.expiresAt).toISOString(), user_id: s.info.user_id, user_role: s.info.user_role };
      },
      'DELETE /ui/session': (c) => {
        if (c.principal.session_id === undefined) throw new GatewayError('ERR_BAD_REQUEST', 'Sign-out needs the UI session token as the bearer.', { param: 'Authorization' });
        sessions.revokeById(c.principal.session_id);
        return { status: 'signed_out' };
      },
      'POST /auth/explain': (c) => explain(c, { chain, keyIndex, llm: llmDeps }),
      'GET /config/auth': () => ({
        master_key: { source: master.source },
        secret_store: store.protection,
        jwt: {
          enabled: gs.enable_jwt_auth === true,
          public_key_url: gs.litellm_jwtauth?.public_key_url ?? gs.jwt_public_key_url ?? env.JWT_PUBLIC_KEY_URL ?? null,
          audience: gs.litellm_jwtauth?.audience ?? gs.jwt_audience ?? env.JWT_AUDIENCE ?? null,
          issuer: gs.litellm_jwtauth?.issuer ?? gs.jwt_issuer ?? env.JWT_ISSUER ?? null,
          enforce_rbac: gs.litellm_jwtauth?.enforce_rbac ?? false,
        },
        oauth2: {
          enabled: gs.enable_oauth2_auth === true,
          token_info_endpoint: gs.oauth_token_info_endpoint ?? env.OAUTH_TOKEN_INFO_ENDPOINT ?? null,
          client_id: gs.oauth_client_id ?? env.OAUTH_CLIENT_ID ?? null,
          client_secret_set: (gs.oauth_client_secret ?? env.OAUTH_CLIENT_SECRET) !== undefined,
        },
        oauth2_proxy: { enabled: gs.enable_oauth2_proxy_auth === true, trusted_proxy_ranges: gs.trusted_proxy_ranges ?? [], mappings: gs.oauth2_config_mappings ?? {} },
        custom_auth: { enabled: gs.custom_auth !== undefined, module: gs.custom_auth ?? null, mode: gs.custom_auth_settings?.mode ?? (gs.custom_auth === undefined ? null : 'on') },
        key_header: gs.litellm_key_header_name ?? null,
        public_routes: gs.public_routes ?? [],
        allowed_hosts: gs.allowed_hosts ?? DEFAULT_HOSTS,
        allowed_origins: gs.allowed_origins ?? [],
        sso: sso.describe(),
      }),
      'GET /ui/whoami': (c) => ({ user_id: c.principal.user_id, user_role: c.principal.user_role, user_email: c.principal.user_email ?? null, method: c.principal.method }),
    };

    let inFlight = 0;
    let drained: (() => void) | null = null;
    const app = createHttpApp({
      guard, chain, keyIndex, clock, logger, metrics,
      handlers: () => handlers,
      llm: llmDeps,
      publicRoutes: gs.public_routes ?? [],
      requireAuthForMetrics: gs.require_auth_for_metrics_endpoint ?? true,
      maxBodyBytes: Math.round((gs.max_request_size_mb ?? 32) * 1024 * 1024),
      uiDir: UI_DIR,
      onRequestStart: () => { inFlight++; },
      onRequestEnd: () => {
        inFlight--;
        if (inFlight === 0 && drained !== null) drained();
      },
    });
    let server: Server | null = null;

    const gateway: Gateway & { _internals: unknown } = {
      masterKeySource: master.source,
      async start() {
        const srv = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 65_000 }, app);
        server = srv;
        await new Promise<void>((resolve, reject) => {
          srv.once('error', (err: NodeJS.ErrnoException) => {
            reject(err.code === 'EADDRINUSE' ? new Error(`port ${options.port ?? 4000} on ${host} is already in use (another Tollgate or LiteLLM?); pick another with --port`) : err);
          });
          srv.listen(options.port ?? 4000, host, () => resolve());
        });
        const addr = srv.address();
        if (addr === null || typeof addr === 'string') throw new Error('server has no address');
        port = addr.port;
        host = addr.address;
        const shown = host.includes(':') ? `[${host}]` : host;
        return { url: `http://${shown}:${port}`, host, port };
      },
      async stop() {
        const srv = server;
        server = null;
        if (srv !== null) {
          await new Promise<void>((resolve) => {
            srv.close(() => resolve());
            srv.closeIdleConnections();
            const wait = inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => { drained = r; });
            const timer = setTimeout(() => srv.closeAllConnections(), 10_000);
            void wait.then(() => { clearTimeout(timer); srv.closeAllConnections(); });
          });
        }
        await gatewayHooks.beforeClose();
        await forwarder.close();
        db.close();
        logger.flush();
      },
      status(): GatewayStatus {
        const shown = host.includes(':') ? `[${host}]` : host;
        return { running: server !== null, url: port === null ? null : `http://${shown}:${port}`, host, port, todaySpend: gatewayHooks.todaySpend(), inFlight };
      },
      createSignInLink() {
        const token = sessions.createSignInToken({ user_id: 'owner', user_role: 'proxy_admin' });
        const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
        return `http://${shown}:${port ?? options.port ?? 4000}/ui/#token=${token}`;
      },
      createOwnerSession: ownerSession,
      startSso: () => sso.start(),
      ssoEnabled: sso.describe().enabled,
      onSsoComplete(listener) {
        ssoListeners.add(listener);
        return () => ssoListeners.delete(listener);
      },
      _internals: { models: models.service, governance, db, keyIndex, keys, audit, registry, chain, sessions, handlers, secrets, store, setGovernor: (g: Governor) => { governor = g; }, setRoleOf: (f: typeof roleOf) => { roleOf = f; } },
    };
    const gatewayHooks = { beforeClose: (): Promise<void> => governance.close(), todaySpend: (): number => governance.todaySpend() };
    return gateway;
  } catch (err) {
    await governanceToClose?.close().catch(() => undefined);
    db.close();
    throw err;
  }
}
