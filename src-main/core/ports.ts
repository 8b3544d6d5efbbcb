/**
 * Ports: what the core needs from the outside world. The core defines them; the CLI, the
 * Electron shell and the tests plug in implementations (STYLE: the core never imports its adapters).
 */

/** Time, injected so that tests move it instead of sleeping. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** How well a SecretStore protects what it holds. */
export interface SecretProtection {
  /** 'os-keychain' (encrypted by the OS, per user), 'file' (0600 file), 'environment' (read-only), 'memory' (tests). */
  level: 'os-keychain' | 'file' | 'environment' | 'memory';
  /** Whether a value survives a reboot. */
  persistent: boolean;
  /** One plain sentence for `tollgate doctor` and the UI. */
  description: string;
}

/** Where provider secrets, the master key and signing keys live (service `tollgate`, account = name). */
export interface SecretStore {
  readonly protection: SecretProtection;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(name: string): Promise<boolean>;
  /** Names only, never values. */
  list(): Promise<string[]>;
}

/** Opens a URL in the system browser (RFC 8252: never an embedded view). */
export interface BrowserOpener {
  open(url: string): Promise<void>;
}
