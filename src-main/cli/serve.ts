/** `tollgate serve`: the gateway headless, with the readiness line, a sign-in link, and graceful shutdown. */
import { createGateway } from '../core/index.ts';
import { parseCommon } from './args.ts';
import { createSystemBrowserOpener } from './open-browser.ts';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

export async function runServe(argv: string[], io: Io): Promise<number> {
  const opts = parseCommon(argv, io.env);
  const gateway = await createGateway({
    dataDir: opts.dataDir,
    host: opts.host,
    port: opts.port,
    env: io.env,
    browserOpener: createSystemBrowserOpener(),
    ...(opts.configPath === undefined ? {} : { configPath: opts.configPath }),
  });
  const { url } = await gateway.start();
  io.stdout.write(`Tollgate listening on ${url}\n`);
  io.stderr.write(`Sign in to the UI (one-time link, valid 5 minutes): ${gateway.createSignInLink()}\n`);
  if (gateway.ssoEnabled === true) io.stderr.write(`Sign in with SSO: ${url}/sso/key/generate\n`);
  if (gateway.masterKeySource !== 'configured') io.stderr.write(`${howToReadMasterKey(gateway.masterKeySource, opts.dataDir)}\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      gateway.stop().then(() => resolve(0), (err: unknown) => {
        io.stderr.write(`error while stopping: ${String(err)}\n`);
        resolve(1);
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/** Where the generated master key lives and the OS command that reads it (the key itself is never printed). */
export function howToReadMasterKey(source: string, dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (source !== 'keychain') return `The master key is in the file ${dataDir}/master_key (mode 0600; no OS keychain was available). Read it with: cat '${dataDir}/master_key'`;
  const cmd = platform === 'darwin'
    ? 'security find-generic-password -s tollgate -a master_key -w'
    : platform === 'win32'
      ? 'open Credential Manager > Windows Credentials > "master_key.tollgate"'
      : 'secret-tool lookup service tollgate username master_key';
  return `The master key is in the OS keychain (service "tollgate", account "master_key"). Read it with: ${cmd}`;
}
