/** The `tollgate` command: serve, doctor, secrets. Errors are one clear message and a non-zero exit. */
import { ConfigError } from '../core/index.ts';
import { UsageError } from './args.ts';
import { runServe } from './serve.ts';

const USAGE = `Usage:
  tollgate serve [--config FILE] [--port N] [--host ADDR] [--data-dir DIR]
  tollgate doctor [--config FILE] [--port N] [--data-dir DIR]
  tollgate secrets set NAME      (value from stdin)
  tollgate secrets list
  tollgate secrets delete NAME
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest, io);
      case 'secrets': {
        const { runSecretsCommand } = await import('./secrets.ts');
        const { selectSecretStore, insecureSecretsAllowed, createKeychainSecretStore } = await import('../core/secrets/index.ts');
        const { defaultDataDir } = await import('./data-dir.ts');
        // selectSecretStore, not the keychain directly: on Linux without a Secret Service the
        // library would fall back to the kernel keyring, which forgets everything at reboot.
        // TOLLGATE_KEYCHAIN_SERVICE: a keychain service other than `tollgate` (tests use a throwaway one).
        const service = process.env.TOLLGATE_KEYCHAIN_SERVICE;
        const { store, warnings } = await selectSecretStore({ dataDir: process.env.TOLLGATE_DATA_DIR ?? defaultDataDir(), allowInsecure: insecureSecretsAllowed(undefined, process.env), ...(service ? { keychain: () => createKeychainSecretStore({ service }) } : {}) });
        for (const w of warnings) process.stderr.write(`tollgate: ${w}\n`);
        return await runSecretsCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, isTTY: process.stdin.isTTY === true, store });
      }
      case 'doctor': {
        const { runDoctor } = await import('./doctor.ts');
        return await runDoctor(rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`tollgate: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`tollgate: ${err.message}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
    process.stderr.write(`tollgate: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
