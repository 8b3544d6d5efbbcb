/**
 * Credential extraction, exactly CONTRACT section 3: the first present header wins, in a fixed
 * order; never the query string. A present-but-malformed header is an error (fail closed), not
 * a reason to look further.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Credential } from './principal.ts';

const MAX_TOKEN_LENGTH = 16 * 1024;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

interface Source {
  header: string;
  /** Whether a `Bearer ` prefix is required (Authorization) or optional. */
  bearer: 'required' | 'optional' | 'none';
}

export function credentialSources(customHeader?: string): Source[] {
  const sources: Source[] = [
    { header: 'x-litellm-api-key', bearer: 'optional' },
    { header: 'authorization', bearer: 'required' },
    { header: 'api-key', bearer: 'none' },
    { header: 'x-api-key', bearer: 'none' },
    { header: 'x-goog-api-key', bearer: 'none' },
  ];
  if (customHeader !== undefined) sources.push({ header: customHeader.toLowerCase(), bearer: 'optional' });
  return sources;
}

/** Returns the credential, null when none is present, or throws for a malformed one. */
export function extractCredential(headers: Readonly<Record<string, string | string[] | undefined>>, sources: readonly Source[]): Credential | null {
  for (const { header, bearer } of sources) {
    const raw = headers[header];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `Send one ${header} header, not several.`, { param: header });
    let value = raw.trim();
    if (CONTROL.test(value)) throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `The ${header} header contains control characters.`, { param: header });
    const hasBearer = /^bearer(\s|$)/i.test(value);
    if (bearer === 'required' && !hasBearer) {
      throw new GatewayError('ERR_MALFORMED_CREDENTIAL', 'The Authorization header must be "Bearer <key>".', { param: header });
    }
    if (hasBearer && bearer !== 'none') value = value.slice(6).trim();
    if (value === '') throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `The ${header} header has no token: send "${bearer === 'required' ? 'Bearer ' : ''}<key>".`, { param: header });
    if (value.length > MAX_TOKEN_LENGTH) throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `The ${header} credential is too long.`, { param: header });
    if (/\s/.test(value)) throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `The ${header} credential contains spaces.`, { param: header });
    return { token: value, header };
  }
  return null;
}
