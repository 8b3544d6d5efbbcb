/** What every page needs: the client, the session, the role check and a way to announce results. */
import { createContext, useContext } from 'react';
import type { GatewayClient } from './api/GatewayClient.ts';
import type { Session } from './api/session.ts';
import type { Method } from './lib/permissions.ts';

export interface AppServices {
  client: GatewayClient;
  session: Session;
  /** Origin for snippets (`http://127.0.0.1:4000`). */
  gatewayUrl: string;
  can: (method: Method, path: string) => boolean;
  /** A short, polite announcement (also read by screen readers). */
  notify: (message: string, tone?: 'success' | 'error') => void;
  signOut: () => void;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const ctx = useContext(AppContext);
  if (ctx === null) throw new Error('useApp outside <AppContext.Provider>');
  return ctx;
}
