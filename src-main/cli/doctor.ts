/**
 * `tollgate doctor`: config, data dir, keychain, port, and each provider; one line per check,
 * with how to fix what is wrong, and a non-zero exit when something is.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadConfig, type LoadedConfig } from '../core/config/index.ts';
import { createKeychainSecretStore, probeKeychain, SecretResolver } from '../core/secrets/index.ts';
import { ModelRegistry } from '../core/proxy/index.ts';
import { testConnection } from '../core/management/test-connection.ts';
import { openDatabase } from '../core/store/index.ts';
import { ModelsRepository } from '../core/models/index.ts';
import type { DeploymentConfig } from '../../src-shared/config.ts';
import { parseCommon } from './args.ts';
import type { Io } from './serve.ts';

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

export async function runDoctor(argv: string[], io: Io): Promise<number> {
  const opts = parseCommon(argv, io.env);
  let failures = 0;
  const ok = (what: string, msg: string): void => void io.stdout.write(`ok    ${what}: ${msg}\n`);
  const bad = (what: string, msg: string, fix: string): void => {
    failures++;
    io.stdout.write(`FAIL  ${what}: ${msg}\n      fix: ${fix}\n`);
  };

  let loaded: LoadedConfig | undefined;
  try {
    loaded = loadConfig(opts.configPath, io.env);
    ok('config', opts.configPath === undefined ? 'no config file (defaults)' : `${opts.configPath} is valid (${loaded.config.model_list.length} deployments)`);
    for (const w of loaded.warnings) io.stdout.write(`warn  config: ${w}\n`);
  } catch (err) {
    bad('config', (err as Error).message, 'correct the setting named above');
  }

  try {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    accessSync(opts.dataDir, constants.R_OK | constants.W_OK);
    ok('data dir', `${opts.dataDir} is writable`);
  } catch (err) {
    bad('data dir', `${opts.dataDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'pass --data-dir DIR with a folder you own, or fix its permissions');
  }

  const store = createKeychainSecretStore();
  const probe = await probeKeychain();
  if (probe.available) ok('keychain', store.protection.description);
  else bad('keychain', probe.reason ?? 'unavailable', 'unlock the OS keychain (Linux: install and unlock gnome-keyring), or opt in to plaintext storage with general_settings.allow_insecure_secret_storage: true');

  if (await portFree(opts.port, opts.host)) ok('port', `${opts.host}:${opts.port} is free`);
  else bad('port', `${opts.host}:${opts.port} is in use`, `stop what uses it (another Tollgate?) or pass --port N`);

  if (loaded !== undefined) {
    const resolver = new SecretResolver(store, io.env);
    // Deployments added at run time (/model/new) live in the database beside the config's.
    let stored: DeploymentConfig[] = [];
    try {
      const db = openDatabase(opts.dataDir);
      stored = new ModelsRepository(db).all().map((d) => ({ model_name: d.model_name, litellm_params: d.litellm_params as DeploymentConfig['litellm_params'], model_info: { ...d.model_info, id: d.model_id } }));
      db.close();
    } catch (err) {
      bad('database', `cannot read ${opts.dataDir}/tollgate.db: ${(err as Error).message}`, 'check the data dir; stop other programs that lock it');
    }
    const registry = new ModelRegistry([...loaded.config.model_list, ...stored]);
    for (const d of registry.list()) {
      const what = `provider ${d.model_name}`;
      let key: string | null = null;
      try {
        key = d.api_key_ref === undefined ? null : await resolver.resolve(d.api_key_ref);
      } catch (err) {
        bad(what, (err as Error).message, d.api_key_ref?.startsWith('keychain/') ? `tollgate secrets set ${d.api_key_ref.slice(9)}` : 'set the environment variable');
        continue;
      }
      const r = await testConnection(d, key);
      if (!r.reachable) bad(what, r.message, `check api_base (${d.api_base}) and your network`);
      else if (r.key_accepted === false) bad(what, r.message, 'store a valid key for this provider');
      else ok(what, r.message);
    }
  }
  io.stdout.write(failures === 0 ? 'All checks passed.\n' : `${failures} check(s) failed.\n`);
  return failures === 0 ? 0 : 1;
}
