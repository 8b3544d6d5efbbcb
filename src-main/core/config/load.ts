/**
 * Loads the YAML config file (CONTRACT section 2): parses, resolves non-secret `os.environ/NAME`
 * references, validates with the src-shared schema and explains every error with its YAML path
 * and line. Secret fields stay references; the SecretResolver reads them at use.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap } from 'yaml';
import type { z } from 'zod';
import { configFileSchema, KNOWN_TOP_LEVEL, type ConfigFile } from '../../../src-shared/config.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: ConfigFile;
  /** Directory of the file, for relative paths (custom_auth modules). */
  configDir: string;
  path: string | null;
  warnings: string[];
}

/** Keys whose values are secrets: kept as references, resolved at use. */
const SECRET_KEYS = new Set(['api_key', 'master_key', 'oauth_client_secret', 'database_url', 'client_secret']);

function resolveEnvRefs(value: unknown, path: (string | number)[], env: Record<string, string | undefined>, errors: string[]): unknown {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    if (value.startsWith('os.environ/') && !(typeof key === 'string' && SECRET_KEYS.has(key))) {
      const name = value.slice('os.environ/'.length);
      const v = env[name];
      if (v === undefined) errors.push(`${formatPath(path)}: environment variable ${name} is not set (referenced as ${value})`);
      return v ?? value;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, [...path, i], env, errors));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvRefs(v, [...path, k], env, errors);
    return out;
  }
  return value;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(top level)' : out;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], lineOf: (path: readonly PropertyKey[]) => number | undefined): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.keys.map((k) => {
        const p = [...issue.path, k];
        const line = lineOf(p);
        return `${formatPath(p)}${line ? ` (line ${line})` : ''}: unknown setting "${k}" (a typo here could silently disable a security check)`;
      });
      return lines.join('\n');
    }
    const line = lineOf(issue.path);
    return `${formatPath(issue.path)}${line ? ` (line ${line})` : ''}: ${issue.message}`;
  });
}

/** Parses and validates config text. Throws ConfigError with one line per problem. */
export function parseConfig(text: string, options: { path?: string | null; env?: Record<string, string | undefined> } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const where = options.path ?? 'config';
  if (doc.errors.length > 0) {
    throw new ConfigError(`${where}: invalid YAML:\n${doc.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${where}: the top level must be a mapping (model_list, general_settings, litellm_settings)`);
  }
  const warnings: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!(KNOWN_TOP_LEVEL as readonly string[]).includes(key)) warnings.push(`${where}: unknown section "${key}" ignored`);
  }
  const envErrors: string[] = [];
  const resolved = resolveEnvRefs(raw, [], env, envErrors);
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    const node = doc.getIn(path.map((p) => (typeof p === 'symbol' ? String(p) : p)), true) as { range?: [number, number, number] } | undefined;
    const parent = node?.range ? node : (doc.getIn(path.slice(0, -1).map((p) => (typeof p === 'symbol' ? String(p) : p)), true) as { range?: [number, number, number] } | undefined);
    if (parent?.range && isMap(doc.contents) !== undefined) return lineCounter.linePos(parent.range[0]).line;
    return undefined;
  };
  const result = configFileSchema.safeParse(resolved);
  const problems = [...envErrors];
  if (!result.success) problems.push(...describeIssues(result.error.issues, lineOf));
  if (problems.length > 0) throw new ConfigError(`${where}: invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const config = result.data!;
  if (config.general_settings.master_key !== undefined && !/^(os\.environ|keychain)\//.test(config.general_settings.master_key)) {
    warnings.push(`${where}: general_settings.master_key is a literal; prefer os.environ/NAME or keychain/NAME`);
  }
  config.model_list.forEach((d, i) => {
    const k = d.litellm_params.api_key;
    if (k !== undefined && !/^(os\.environ|keychain)\//.test(k)) {
      warnings.push(`${where}: model_list[${i}].litellm_params.api_key is a literal secret; move it to the keychain with \`tollgate secrets set NAME\` and write keychain/NAME`);
    }
  });
  return { config, configDir: options.path ? dirname(resolve(options.path)) : process.cwd(), path: options.path ?? null, warnings };
}

/** Reads and validates a config file; no path means an empty config (defaults). */
export function loadConfig(path: string | undefined, env: Record<string, string | undefined> = process.env): LoadedConfig {
  if (path === undefined) return parseConfig('{}', { env });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code)}`);
  }
  return parseConfig(text, { path, env });
}
