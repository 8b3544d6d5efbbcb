/**
 * The renderer's only door into the main process (Electron security checklist items 3 and 20):
 * one function, no ipcRenderer, no Node. The channel name is GET_SESSION_CHANNEL of
 * src-main/shell/desktop-session.ts, written out so the sandboxed preload bundles nothing else.
 *
 * In the UI: `const s = await window.tollgate?.getSession()` gives
 * `{ session_token, expires_at, user_id, user_role, gateway_url }` (it rejects while the gateway is
 * paused); requests then go to `gateway_url` with `Authorization: Bearer <session_token>`.
 */
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('tollgate', {
  getSession: (): Promise<unknown> => ipcRenderer.invoke('tollgate:get-session'),
});
