/**
 * One app per user: the gateway owns a port and a database, so a second launch only brings the
 * first one's window forward (app.requestSingleInstanceLock + 'second-instance').
 */

/** The parts of a BrowserWindow this module drives. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Shows and focuses the window, restoring it if minimised. False when there is none to focus. */
export function bringToFront(win: FocusableWindow | null): boolean {
  if (win === null || win.isDestroyed()) return false;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return true;
}

/**
 * The 'second-instance' handler: focus the existing window or, when it was closed (the app keeps
 * running in the tray), open a new one.
 */
export function onSecondInstance(getWindow: () => FocusableWindow | null, openWindow: () => void): void {
  if (!bringToFront(getWindow())) openWindow();
}
