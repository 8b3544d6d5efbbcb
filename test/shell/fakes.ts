/** Fakes for the shell tests: a gateway and a window, recording what the shell does to them. */
import type { Gateway, GatewayStatus, UiSession } from '../../src-main/core/gateway-types.ts';
import type { SignInWindow } from '../../src-main/shell/index.ts';

export class FakeGateway implements Gateway {
  readonly masterKeySource = 'test';
  started = 0;
  stopped = 0;
  sessionsMade = 0;
  private listeners = new Set<(token: string) => void>();

  constructor(
    readonly port = 4000,
    private readonly spend = 0,
  ) {}

  async start() {
    this.started++;
    return { url: `http://127.0.0.1:${this.port}`, host: '127.0.0.1', port: this.port };
  }
  async stop() {
    this.stopped++;
  }
  status(): GatewayStatus {
    return { running: this.started > this.stopped, url: `http://127.0.0.1:${this.port}`, host: '127.0.0.1', port: this.port, todaySpend: this.spend, inFlight: 0 };
  }
  createSignInLink() {
    return `http://127.0.0.1:${this.port}/ui/#token=one-time`;
  }
  createOwnerSession(): UiSession {
    this.sessionsMade++;
    return { session_token: `owner-session-${this.port}-${this.sessionsMade}`, expires_at: '2099-01-01T00:00:00.000Z', user_id: 'owner', user_role: 'proxy_admin' };
  }
  onSsoComplete(listener: (signInToken: string) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  /** What the core does at the end of /sso/callback. */
  emitSso(token: string) {
    for (const l of this.listeners) l(token);
  }
  get listenerCount() {
    return this.listeners.size;
  }
}

export class FakeWindow implements SignInWindow {
  calls: string[] = [];
  constructor(
    public minimized = false,
    public destroyed = false,
  ) {}
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.calls.push('restore');
    this.minimized = false;
  }
  show() {
    this.calls.push('show');
  }
  focus() {
    this.calls.push('focus');
  }
  reload() {
    this.calls.push('reload');
  }
}

/** Resolves after pending promise callbacks have run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
