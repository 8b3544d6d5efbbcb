/**
 * The one place secrets are compared and hashed. Comparisons are constant-time over SHA-256
 * digests (so lengths leak nothing either), as hono's bearer-auth does with timingSafeEqual.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function sha256Digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality of two SHA-256 digests. */
export function digestEquals(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two secrets of any length. */
export function secretEquals(a: string, b: string): boolean {
  return digestEquals(sha256Digest(a), sha256Digest(b));
}

/** A new virtual key: `sk-` + 43 url-safe characters (256 bits). */
export function generateVirtualKey(): string {
  return `sk-${randomBytes(32).toString('base64url')}`;
}

/** A random opaque token (sessions, one-time sign-in tokens, ids). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export const VIRTUAL_KEY_RE = /^sk-[A-Za-z0-9_-]{43}$/;
export const HASH_RE = /^[0-9a-f]{64}$/;

/** `sk-...abcd`: the only form of a key that logs, errors and lists show. */
export function abbreviateKey(key: string): string {
  return key.length <= 8 ? '...' : `${key.slice(0, 3)}...${key.slice(-4)}`;
}
