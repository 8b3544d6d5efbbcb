/** The default data directory: the OS's per-user app data folder for `Tollgate`, the same folder Electron's app.getPath('userData') gives. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tollgate');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tollgate');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Tollgate');
}
