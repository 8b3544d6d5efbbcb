/**
 * JWT verification cost with a warm JWKS cache (not a test): the full authenticator
 * (header checks, cached key lookup, RS256 verify, claim mapping) against bare jose jwtVerify
 * with an imported key. Run: node --import tsx bench/jwt-verify.ts [iterations]
 */
import { performance } from 'node:perf_hooks';
import { importJWK, jwtVerify } from 'jose';
import { generalSettingsSchema } from '../src-shared/config.ts';
import { systemClock } from '../src-main/core/ports.ts';
import { normaliseIdentitySettings } from '../src-main/core/auth/identity.ts';
import type { IdentityDirectory } from '../src-main/core/auth/identity.ts';
import { createJwtAuthenticator } from '../src-main/core/auth/jwt/index.ts';
import { startOidcProvider } from '../test/support/oidc.ts';

const iterations = Number(process.argv[2] ?? 5000);
const op = await startOidcProvider();
const directory: IdentityDirectory = {
  getUser: () => undefined,
  findUserByEmail: () => undefined,
  getTeam: (id) => ({ team_id: id, models: [], blocked: false, organization_id: null }),
  upsertUser: () => undefined,
  upsertTeam: () => undefined,
  addTeamMember: () => undefined,
};
const settings = normaliseIdentitySettings(generalSettingsSchema.parse({
  enable_jwt_auth: true,
  litellm_jwtauth: { public_key_url: op.jwksUri, audience: op.resource, issuer: op.issuer, team_id_jwt_field: 'team_id' },
}), {}).jwt!;
const auth = createJwtAuthenticator(settings, { clock: systemClock, directory });
await auth.warm();
const token = await op.issueJwt({ team_id: 'bench-team' });
const credential = { token, header: 'authorization' };
const request = { method: 'POST', path: '/v1/chat/completions', headers: {}, remoteAddress: '127.0.0.1' };
const key = await importJWK(op.publicJwk, 'RS256');

async function measure(label: string, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  const us = ((performance.now() - t0) * 1000) / iterations;
  console.log(`${label.padEnd(44)} ${us.toFixed(1).padStart(8)} µs/verification  (${iterations} iterations)`);
  return us;
}

const fetchesBefore = auth.keys?.fetchCount ?? 0;
const full = await measure('Tollgate JWT authenticator (cached JWKS)', () => auth.authenticate(credential, request));
const bare = await measure('bare jose jwtVerify (imported key)', () => jwtVerify(token, key, { issuer: op.issuer, audience: op.resource }));
console.log(`overhead over bare jose: ${(full - bare).toFixed(1)} µs; JWKS fetches during the run: ${(auth.keys?.fetchCount ?? 0) - fetchesBefore}`);
await op.stop();
