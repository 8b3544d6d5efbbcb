/**
 * `tollgate secrets set NAME | list | delete NAME`: manage provider secrets in the selected
 * SecretStore (normally the OS keychain, service `tollgate`). A value is read from stdin, or
 * from a hidden prompt on a terminal, and never from argv: argv lands in shell history and
 * in every other user's `ps` output.
 */
import type { SecretStore } from '../core/ports.ts';
import { validateSecretName } from '../core/secrets/index.ts';

export interface SecretsCommandIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stdin is a terminal (then the value is read through a hidden prompt). */
  isTTY: boolean;
  store: SecretStore;
}

const USAGE = `Usage:
  tollgate secrets set NAME      store a secret; the value is read from stdin
                                 (e.g. printf %s "$OPENAI_API_KEY" | tollgate secrets set openai)
                                 or from a hidden prompt when run in a terminal
  tollgate secrets list          list stored secret names (never values)
  tollgate secrets delete NAME   delete a secret
Reference a stored secret in the config file as keychain/NAME.
`;

/** Values larger than this are refused: a provider key is a few hundred bytes at most. */
const MAX_VALUE_BYTES = 64 * 1024;

class UsageError extends Error {}

class Cancelled extends Error {}

function trimOneNewline(value: string): string {
  if (value.endsWith('\r\n')) return value.slice(0, -2);
  if (value.endsWith('\n')) return value.slice(0, -1);
  return value;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    size += buf.length;
    if (size > MAX_VALUE_BYTES) throw new Error(`The value on stdin is larger than ${MAX_VALUE_BYTES} bytes; refusing to store it`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface RawModeStream {
  setRawMode?: (mode: boolean) => unknown;
  isRaw?: boolean;
}

/** Reads one line from a terminal without echoing it. Ctrl-C cancels, Ctrl-D ends. */
function readHidden(stdin: NodeJS.ReadableStream, prompt: string, stderr: NodeJS.WritableStream): Promise<string> {
  const tty = stdin as NodeJS.ReadableStream & RawModeStream;
  const wasRaw = tty.isRaw === true;
  stderr.write(prompt);
  tty.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err: Error | null): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      tty.setRawMode?.(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onEnd = (): void => finish(null);
    const onData = (chunk: Buffer | string): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null);
        if (ch === '\u0003') return finish(new Cancelled('Cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
        if (value.length > MAX_VALUE_BYTES) return finish(new Error(`The value is longer than ${MAX_VALUE_BYTES} characters; refusing to store it`));
      }
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
  });
}

function requireName(args: string[], sub: string): string {
  const name = args[1];
  if (name === undefined) throw new UsageError(`tollgate secrets ${sub} needs a NAME`);
  validateSecretName(name);
  return name;
}

async function set(args: string[], io: SecretsCommandIO): Promise<number> {
  const flagValue = args.slice(1).find((a) => /^--?(value|password|secret)(=|$)/.test(a));
  if (args.length > 2 || flagValue !== undefined) {
    // Do not echo the extra arguments: one of them is probably the secret.
    throw new UsageError(
      'Refusing to take a secret value from the command line (it would stay in your shell history and be visible to other users in the process list). ' +
        'Pass only the NAME and give the value on stdin, e.g. printf %s "$VALUE" | tollgate secrets set NAME, or run it in a terminal to be prompted.',
    );
  }
  const name = requireName(args, 'set');
  const raw = io.isTTY ? await readHidden(io.stdin, `Value for ${name} (input hidden): `, io.stderr) : await readAll(io.stdin);
  const value = trimOneNewline(raw);
  if (value.trim() === '') {
    io.stderr.write(`Refusing to store an empty value for ${name}. Give the value on stdin, e.g. printf %s "$VALUE" | tollgate secrets set ${name}\n`);
    return 1;
  }
  await io.store.set(name, value);
  io.stdout.write(`Stored secret ${name}. ${io.store.protection.description} Reference it as keychain/${name}.\n`);
  return 0;
}

async function list(args: string[], io: SecretsCommandIO): Promise<number> {
  if (args.length > 1) throw new UsageError('tollgate secrets list takes no arguments');
  const names = await io.store.list();
  if (names.length === 0) io.stderr.write('No secrets stored.\n');
  for (const name of names) io.stdout.write(`${name}\n`);
  return 0;
}

async function remove(args: string[], io: SecretsCommandIO): Promise<number> {
  if (args.length > 2) throw new UsageError('tollgate secrets delete takes exactly one NAME');
  const name = requireName(args, 'delete');
  if (await io.store.delete(name)) {
    io.stdout.write(`Deleted secret ${name}.\n`);
    return 0;
  }
  io.stderr.write(`No secret named ${name} is stored.\n`);
  return 1;
}

/**
 * Runs `tollgate secrets ...` (args after `secrets`) and returns the exit code:
 * 0 success, 1 failure, 2 usage error, 130 cancelled at the prompt.
 *
 * @example process.exitCode = await runSecretsCommand(argv.slice(1), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, isTTY: process.stdin.isTTY === true, store });
 */
export async function runSecretsCommand(args: string[], io: SecretsCommandIO): Promise<number> {
  const sub = args[0];
  try {
    switch (sub) {
      case 'set':
        return await set(args, io);
      case 'list':
      case 'ls':
        return await list(args, io);
      case 'delete':
      case 'rm':
        return await remove(args, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return 0;
      default:
        io.stderr.write(sub === undefined ? USAGE : `Unknown subcommand "${sub.slice(0, 40)}".\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof Cancelled) {
      io.stderr.write('Cancelled; nothing stored.\n');
      return 130;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`tollgate secrets: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`tollgate secrets: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
