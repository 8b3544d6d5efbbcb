/**
 * The one-time sign-in link `http://HOST:PORT/ui/#token=<token>` (CONTRACT section 4): the token
 * travels in the fragment so it never reaches a server log or a Referer header. Pure, no DOM.
 */

/** The one-time token in a location hash (`#token=...`, possibly among other `&` parameters), or null. */
export function readSignInToken(hash: string): string | null {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '' || raw.startsWith('/')) return null;
  const params = new URLSearchParams(raw);
  const token = params.get('token');
  return token === null || token.trim() === '' ? null : token.trim();
}
