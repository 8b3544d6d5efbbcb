/** The gateway core's public entry: hosts (CLI, desktop shell, tests) import only this. */
export { createGateway } from './gateway.ts';
export type { Gateway, GatewayOptions, GatewayStatus, UiSession } from './gateway-types.ts';
export type { BrowserOpener, Clock, SecretStore, SecretProtection } from './ports.ts';
export { ConfigError, loadConfig } from './config/index.ts';
