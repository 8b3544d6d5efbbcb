/** Flag parsing for the CLI with node:util parseArgs; flags beat environment, environment beats the config file. */
import { parseArgs } from 'node:util';
import { defaultDataDir } from './data-dir.ts';

export interface CommonOptions {
  configPath: string | undefined;
  port: number;
  host: string;
  dataDir: string;
}

export class UsageError extends Error {}

export function parseCommon(argv: string[], env: Record<string, string | undefined>): CommonOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const portText = values.port ?? env.TOLLGATE_PORT ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}"`);
  return {
    configPath: values.config ?? env.TOLLGATE_CONFIG,
    port,
    host: values.host ?? env.TOLLGATE_HOST ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? env.TOLLGATE_DATA_DIR ?? defaultDataDir(env),
  };
}
