/**
 * Secret names: the keychain account (and the file store's JSON key). Kept to a small,
 * boring alphabet so a name can never act as a path, an attribute injection or a terminal
 * escape when it is echoed back in a message.
 */
import { GatewayError } from '../../../src-shared/errors.ts';

const MAX_LENGTH = 128;
const ALLOWED = /^[A-Za-z0-9._-]+$/;

/** A printable rendering of a rejected name: control characters escaped, long names cut. */
function show(name: string): string {
  const cut = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  // JSON.stringify escapes C0 controls but not DEL or C1; escape those too.
  return JSON.stringify(cut).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Throws a GatewayError (`ERR_BAD_REQUEST`) unless `name` is 1..128 characters of
 * `[A-Za-z0-9._-]`. The message says what is wrong and what is allowed.
 *
 * @example validateSecretName('openai') // ok
 * @example validateSecretName('../etc/passwd') // throws: contains a path separator
 */
export function validateSecretName(name: string): void {
  const rule = 'use 1 to 128 characters from A-Z, a-z, 0-9, ".", "_" and "-"';
  let problem: string | null = null;
  if (typeof name !== 'string' || name.length === 0) problem = 'is empty';
  else if (name.length > MAX_LENGTH) problem = `is ${name.length} characters long (at most ${MAX_LENGTH})`;
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) problem = 'contains a control character';
  else if (name.includes('/') || name.includes('\\')) problem = 'contains a path separator';
  else if (!ALLOWED.test(name)) problem = 'contains a character that is not allowed';
  else if (name === '.' || name === '..') problem = 'is a relative path name';
  if (problem !== null) {
    const shown = typeof name === 'string' && name.length > 0 ? ` ${show(name)}` : '';
    throw new GatewayError('ERR_BAD_REQUEST', `Secret name${shown} ${problem}: ${rule}`, { param: 'name' });
  }
}

/** True when `validateSecretName` would accept `name`. */
export function isValidSecretName(name: string): boolean {
  try {
    validateSecretName(name);
    return true;
  } catch {
    return false;
  }
}
