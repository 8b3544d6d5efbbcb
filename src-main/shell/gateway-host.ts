/**
 * The in-process gateway's lifecycle for the desktop shell: start, pause and resume from the tray,
 * stop at quit. Pausing stops the gateway; resuming creates a fresh one on the same port, so the
 * CSP, the SSO redirect URI and the renderer's gateway_url stay valid.
 */
import type { Gateway, GatewayStatus, UiSession } from '../core/gateway-types.ts';

export type GatewayFactory = (overrides: { port?: number }) => Promise<Gateway>;

export class GatewayHost {
  private gateway: Gateway | null = null;
  private lastPort: number | undefined;
  private baseUrl: string | null = null;
  private paused = false;
  private readonly ssoListeners = new Set<(token: string) => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly factory: GatewayFactory) {}

  async start(): Promise<{ url: string; host: string; port: number }> {
    if (this.gateway !== null) throw new Error('gateway already running');
    const gateway = await this.factory(this.lastPort === undefined ? {} : { port: this.lastPort });
    const started = await gateway.start();
    this.gateway = gateway;
    this.lastPort = started.port;
    this.baseUrl = started.url.replace(/\/+$/, '');
    this.paused = false;
    this.unsubscribe = gateway.onSsoComplete((token) => {
      for (const l of this.ssoListeners) l(token);
    });
    return started;
  }

  async pause(): Promise<void> {
    await this.stop();
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (this.gateway === null) await this.start();
  }

  /** Stops the gateway (finishes in-flight requests, flushes spend). Safe to call twice. */
  async stop(): Promise<void> {
    const g = this.gateway;
    this.gateway = null;
    this.baseUrl = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (g !== null) await g.stop();
  }

  isPaused(): boolean {
    return this.paused;
  }

  status(): GatewayStatus | null {
    return this.gateway?.status() ?? null;
  }

  /** Base URL without a trailing slash, or null while not running. */
  url(): string | null {
    return this.baseUrl;
  }

  origin(): string | null {
    return this.baseUrl === null ? null : new URL(this.baseUrl).origin;
  }

  createOwnerSession(): UiSession | null {
    return this.gateway?.createOwnerSession() ?? null;
  }

  /** Like Gateway.onSsoComplete, but survives pause and resume. */
  onSsoComplete(listener: (signInToken: string) => void): () => void {
    this.ssoListeners.add(listener);
    return () => this.ssoListeners.delete(listener);
  }
}
