/**
 * The desktop shell's logic, on plain Node: security policies, the app:// protocol, the tray
 * model, the session hand-off, the gateway's lifecycle. src-main/electron/ wires Electron's
 * objects into these; tests drive them through fakes (test/shell).
 */
export { buildWindowOptions } from './window-options.ts';
export type { WindowOptionsInput } from './window-options.ts';
export { buildCsp, loopbackOrigin, isLoopbackHost } from './csp.ts';
export {
  APP_SCHEME,
  APP_HOST,
  APP_ORIGIN,
  APP_ENTRY_URL,
  UI_BASE_PATH,
  contentTypeFor,
  createAppProtocolHandler,
  isAppUrl,
  resolveAppPath,
} from './app-protocol.ts';
export type { AppProtocolOptions, AppRequest } from './app-protocol.ts';
export { SSO_START_PATH, checkExternalUrl, createOpenExternal, idpOriginsFromEnv } from './open-external.ts';
export type { ExternalDecision, ExternalOpener, OpenExternalPolicy } from './open-external.ts';
export { decideNavigation, decideWindowOpen } from './navigation.ts';
export type { NavigationDecision } from './navigation.ts';
export { isTrustedSender } from './ipc-guard.ts';
export type { IpcSenderLike } from './ipc-guard.ts';
export { buildTrayModel, formatSpend, statusLine, trayTooltip } from './tray-model.ts';
export type { TrayAction, TrayItem, TrayState } from './tray-model.ts';
export { bringToFront, onSecondInstance } from './single-instance.ts';
export type { FocusableWindow } from './single-instance.ts';
export {
  GET_SESSION_CHANNEL,
  SessionHolder,
  createGetSessionHandler,
  exchangeSignInToken,
  wireSsoHandOff,
} from './desktop-session.ts';
export type { DesktopSession, SessionSource, SignInWindow, SsoHandOffDeps } from './desktop-session.ts';
export { GatewayHost } from './gateway-host.ts';
export type { GatewayFactory } from './gateway-host.ts';
export { createQuitHandler } from './shutdown.ts';
export type { QuitHandlerDeps } from './shutdown.ts';
export { desktopGatewayOptions } from './desktop-options.ts';
export { MISSING_BINARY_MESSAGE, launch, locateElectronBinary } from './launch.ts';
export type { LocateDeps } from './launch.ts';
