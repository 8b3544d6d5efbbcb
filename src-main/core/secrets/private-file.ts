/**
 * Owner-only (0600) files written without ever exposing a half-written or world-readable
 * file: write a temp file created with mode 0600 in the same directory, fsync it, then
 * rename (replace) or link (create only if absent) it into place.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

async function writeTemp(path: string, contents: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    // The umask can only remove bits; chmod makes the mode exact whatever it is.
    await handle.chmod(PRIVATE_FILE_MODE);
    await handle.writeFile(contents, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return temp;
}

async function syncDir(dir: string): Promise<void> {
  // Best effort: makes the rename durable on POSIX; not supported on Windows.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* ignore */
  }
}

/** Atomically replaces (or creates) `path` with `contents`, mode 0600. */
export async function writePrivateFileAtomic(path: string, contents: string): Promise<void> {
  const temp = await writeTemp(path, contents);
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await chmod(path, PRIVATE_FILE_MODE).catch(() => undefined);
  await syncDir(dirname(path));
}

/**
 * Creates `path` with `contents` (mode 0600) only if it does not exist yet, atomically.
 * Returns false when another writer got there first.
 */
export async function createPrivateFileExclusive(path: string, contents: string): Promise<boolean> {
  const temp = await writeTemp(path, contents);
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
    await syncDir(dirname(path));
  }
}
