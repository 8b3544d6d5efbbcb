/**
 * Loading the operator's custom-auth and custom-validate functions (CONTRACT section 2):
 * - `module.function` (LiteLLM's dotted form): `module.mjs` or `module.js` beside the config file,
 *   its export `function`; `pkg.sub.module.function` looks in `pkg/sub/module.mjs`.
 * - `./file.mjs` (or `../`, or an absolute path): the default export.
 * - `./file.mjs:name`: the export `name`.
 * The config file is the operator's; loading runs their code, as LiteLLM does.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ResolvedSpec {
  file: string;
  exportName: string;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function fileExists(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Resolves a spec to a file and export name; throws an Error naming the spec when it cannot. */
export function resolveSpec(spec: string, configDir: string, setting = 'custom_auth'): ResolvedSpec {
  const s = spec.trim();
  if (s === '') throw new Error(`${setting} is empty`);
  const pathLike = s.startsWith('./') || s.startsWith('../') || isAbsolute(s) || /\.(m?js|cjs|ts|mts)(:|$)/.test(s);
  if (pathLike) {
    // `./file.mjs:name`; a Windows drive letter (`C:\...`) is not an export separator.
    const colon = s.lastIndexOf(':');
    let filePart = s;
    let exportName = 'default';
    if (colon > 1) {
      filePart = s.slice(0, colon);
      exportName = s.slice(colon + 1);
      if (!IDENT.test(exportName)) throw new Error(`${setting} "${spec}": "${exportName}" is not an export name`);
    }
    const file = resolve(configDir, filePart);
    if (!fileExists(file)) throw new Error(`${setting} "${spec}": ${file} does not exist`);
    return { file, exportName };
  }
  const parts = s.split('.');
  const exportName = parts.pop();
  if (exportName === undefined || parts.length === 0 || !parts.every((p) => IDENT.test(p)) || !IDENT.test(exportName)) {
    throw new Error(`${setting} "${spec}" is neither module.function nor a ./file.mjs path`);
  }
  const base = join(configDir, ...parts);
  for (const ext of ['.mjs', '.js']) {
    if (fileExists(base + ext)) return { file: base + ext, exportName };
  }
  throw new Error(`${setting} "${spec}": neither ${base}.mjs nor ${base}.js exists (resolved beside the config file)`);
}

/** Imports the spec and returns its function; throws an Error naming the spec when it is not one. */
export async function loadFunction(spec: string, configDir: string, setting: string): Promise<(...args: never[]) => unknown> {
  const { file, exportName } = resolveSpec(spec, configDir, setting);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new Error(`${setting} "${spec}": ${file} could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    throw new Error(`${setting} "${spec}": ${file} has no function export "${exportName}"`);
  }
  return fn as (...args: never[]) => unknown;
}
