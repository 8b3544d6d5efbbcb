/**
 * `npm run app`: runs the desktop shell in development. Electron's binary is downloaded by its
 * postinstall, which fails on machines without network access; the launcher then says so in one
 * line and exits 1 instead of a stack trace.
 *
 * It does not load the electron package to find the binary: electron's index.js starts a download
 * (install.js) when the binary is missing, which would hang or fail noisily here. It reads the
 * same `path.txt` that index.js reads, and honours ELECTRON_OVERRIDE_DIST_PATH the same way.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const MISSING_BINARY_MESSAGE =
  "Electron's binary is not installed on this machine (it could not be downloaded). Run `npx install-electron` on a connected machine, or use `npm start` for the headless gateway.";

export interface LocateDeps {
  /** node_modules/electron, or null when the package is not installed. */
  packageDir: string | null;
  env: Record<string, string | undefined>;
  exists: (path: string) => boolean;
  readText: (path: string) => string | null;
}

/** The Electron executable's path, or null when it is not on this machine. */
export function locateElectronBinary(deps: LocateDeps): string | null {
  if (deps.packageDir === null) return null;
  const relative = deps.readText(join(deps.packageDir, 'path.txt'))?.trim() ?? '';
  const override = deps.env.ELECTRON_OVERRIDE_DIST_PATH;
  const full =
    override !== undefined && override !== ''
      ? join(override, relative === '' ? 'electron' : relative)
      : relative === ''
        ? null
        : join(deps.packageDir, 'dist', relative);
  return full !== null && deps.exists(full) ? full : null;
}

function electronPackageDir(projectRoot: string): string | null {
  try {
    return dirname(createRequire(join(projectRoot, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/**
 * Locates Electron, builds dist-electron/ and starts the app with the project as its app path.
 * Resolves the exit code.
 */
export async function launch(projectRoot: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const binary = locateElectronBinary({ packageDir: electronPackageDir(projectRoot), env, exists: existsSync, readText });
  if (binary === null) {
    process.stderr.write(`${MISSING_BINARY_MESSAGE}\n`);
    return 1;
  }
  const built = await run(process.execPath, [join(projectRoot, 'scripts', 'build-electron.mjs')], projectRoot);
  if (built !== 0) return built;
  if (!existsSync(join(projectRoot, 'dist', 'ui', 'index.html'))) {
    process.stderr.write('Note: dist/ui/index.html is missing; build the UI first or the window will be empty.\n');
  }
  return run(binary, [projectRoot, ...args], projectRoot);
}
