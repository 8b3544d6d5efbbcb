/**
 * The gateway options of the desktop app. Same environment as `tollgate serve` (CONTRACT section
 * 1) and the same default data directory (Electron's userData), so the app and the CLI share one
 * database. The desktop gateway always listens on loopback only: the window's CSP and the session
 * token's reach depend on it.
 */
import type { GatewayOptions } from '../core/gateway-types.ts';

export function desktopGatewayOptions(
  env: Record<string, string | undefined>,
  userDataDir: string,
): Omit<GatewayOptions, 'browserOpener'> {
  const options: Omit<GatewayOptions, 'browserOpener'> = {
    dataDir: nonEmpty(env.TOLLGATE_DATA_DIR) ?? userDataDir,
    host: '127.0.0.1',
    env,
  };
  const config = nonEmpty(env.TOLLGATE_CONFIG);
  if (config !== undefined) options.configPath = config;
  const port = parsePort(env.TOLLGATE_PORT);
  if (port !== undefined) options.port = port;
  const masterKey = nonEmpty(env.TOLLGATE_MASTER_KEY) ?? nonEmpty(env.LITELLM_MASTER_KEY);
  if (masterKey !== undefined) options.masterKey = masterKey;
  return options;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = /^\d{1,5}$/.test(v.trim()) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new Error(`TOLLGATE_PORT must be a port number (0-65535), got "${v}"`);
  return n;
}
