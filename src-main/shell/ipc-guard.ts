/**
 * IPC sender validation (Electron security checklist item 17, as VS Code validates every ipcMain
 * message): a message is answered only when it comes from the main window's own webContents and
 * from its top frame showing an app:// document of the UI. A navigated-away or injected frame
 * gets nothing.
 */
import { isAppUrl } from './app-protocol.ts';

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface IpcSenderLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export function isTrustedSender(event: IpcSenderLike, mainWebContentsId: number | null): boolean {
  if (mainWebContentsId === null || event.sender.id !== mainWebContentsId) return false;
  const frame = event.senderFrame;
  if (frame === null || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}
