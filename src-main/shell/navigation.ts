/**
 * What the window may show (Electron security checklist items 13 and 14: limit navigation, limit
 * new windows). The window shows only the UI's own app:// documents. Every other navigation and
 * every window.open is denied; a link the open-external policy accepts goes to the system browser
 * instead, so sign-in and documentation links still work.
 */
import { isAppUrl } from './app-protocol.ts';
import { checkExternalUrl } from './open-external.ts';
import type { OpenExternalPolicy } from './open-external.ts';

export type NavigationDecision = { action: 'allow' } | { action: 'deny'; openExternally: boolean };

/** For `will-navigate`, `will-frame-navigate` and `will-redirect`. */
export function decideNavigation(url: string, policy: OpenExternalPolicy): NavigationDecision {
  if (isAppUrl(url)) return { action: 'allow' };
  return { action: 'deny', openExternally: checkExternalUrl(url, policy).ok };
}

/** For `setWindowOpenHandler`: never a new Electron window. */
export function decideWindowOpen(url: string, policy: OpenExternalPolicy): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: checkExternalUrl(url, policy).ok };
}
