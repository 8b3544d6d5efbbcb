/**
 * The gateway as its hosts see it: `tollgate serve` (CLI) and the Electron shell start the same
 * core through `createGateway` (src-main/core/index.ts) and talk to it only through this interface.
 */
import type { BrowserOpener, Clock, SecretStore } from './ports.ts';
import type { Role } from '../../src-shared/roles.ts';

export interface GatewayOptions {
  /** Data directory (SQLite database, fallbacks). Created 0700 when missing. */
  dataDir: string;
  /** Path of the YAML config file; none means defaults. */
  configPath?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Overrides the configured master key (flags and environment beat the file). */
  masterKey?: string;
  secretStore?: SecretStore;
  browserOpener?: BrowserOpener;
  clock?: Clock;
  /** pino level; 'silent' in tests. */
  logLevel?: string;
  /** Where log lines go (default stderr); tests capture them to scan for secrets. */
  logDestination?: { write(line: string): void };
  /** Environment used for `os.environ/` references and LiteLLM variables (defaults to process.env). */
  env?: Record<string, string | undefined>;
}

export interface GatewayStatus {
  running: boolean;
  url: string | null;
  host: string;
  port: number | null;
  /** USD spent since local midnight in the configured timezone. */
  todaySpend: number;
  inFlight: number;
}

export interface UiSession {
  session_token: string;
  expires_at: string;
  user_id: string;
  user_role: Role;
}

export interface Gateway {
  /** Starts listening; resolves once connections are accepted. */
  start(): Promise<{ url: string; host: string; port: number }>;
  /** Stops accepting, finishes in-flight requests (bounded), flushes spend, closes the store. */
  stop(): Promise<void>;
  status(): GatewayStatus;
  /** A one-time sign-in link for the UI as the machine's owner (`proxy_admin`). */
  createSignInLink(): string;
  /** A UI session for the machine's owner, handed to the desktop window through the preload. */
  createOwnerSession(): UiSession;
  /** Called when an SSO login completes; the desktop shell focuses its window and signs it in. */
  onSsoComplete(listener: (signInToken: string) => void): () => void;
  /** Starts an SSO login and returns the identity provider's authorize URL, for the shell to open in the system browser. */
  startSso?(): Promise<string>;
  /** Whether SSO sign-in is configured (GOOGLE_*, MICROSOFT_* or GENERIC_* variables). */
  readonly ssoEnabled?: boolean;
  /** The master key's source, for `doctor` and the first-run message. Never the key itself. */
  readonly masterKeySource: string;
}
