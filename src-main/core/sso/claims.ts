/**
 * From the identity provider's claims to a Tollgate user: id, email, display name, role claim,
 * and the email-domain rule. Pure functions; the claims were validated (ID token) or fetched
 * with the access token (userinfo) before they get here.
 */
import { z } from 'zod';
import { USER_ROLES } from '../../../src-shared/governance.ts';
import type { SsoSettings } from './settings.ts';

export type UserRole = (typeof USER_ROLES)[number];

/** What an IdP answers at userinfo, or an ID token's payload: a JSON object. */
export const claimsSchema = z.record(z.string(), z.unknown());
export type Claims = z.infer<typeof claimsSchema>;

export interface SsoIdentity {
  user_id: string;
  user_email: string | null;
  /** False when the IdP says `email_verified: false`. */
  email_verified: boolean;
  display_name: string | null;
  /** The role claim's value when it names a Tollgate user role (GENERIC_USER_ROLE_ATTRIBUTE). */
  role_claim: UserRole | null;
}

/** A refusal with a reason for the person signing in; `status` is the page's HTTP status. */
export class SsoRefusal extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'SsoRefusal';
    this.status = status;
    this.reason = reason;
  }
}

/** `a.b.c` looks into nested objects; a claim name containing dots wins when present as is. */
export function claimAt(claims: Claims, path: string): unknown {
  if (path in claims) return claims[path];
  let cur: unknown = claims;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function asText(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export function identityFrom(claims: Claims, attrs: SsoSettings['attributes']): SsoIdentity {
  let userId: string | null = null;
  for (const a of attrs.userId) {
    userId = asText(claimAt(claims, a));
    if (userId !== null) break;
  }
  if (userId === null) throw new SsoRefusal(403, 'no_user_id', `The identity provider did not send a user id (claim ${attrs.userId.join(' or ')}).`);
  if (userId.length > 256 || CONTROL.test(userId)) throw new SsoRefusal(403, 'bad_user_id', 'The identity provider sent a user id Tollgate cannot store.');
  const email = asText(claimAt(claims, attrs.email));
  const validEmail = email !== null && email.length <= 320 && !CONTROL.test(email) && /^[^@\s]+@[^@\s]+$/.test(email) ? email : null;
  const name = asText(claimAt(claims, attrs.displayName));
  let role: UserRole | null = null;
  if (attrs.role !== null) {
    const raw = claimAt(claims, attrs.role);
    const values = Array.isArray(raw) ? raw : [raw];
    role = (values.find((v): v is UserRole => typeof v === 'string' && (USER_ROLES as readonly string[]).includes(v)) ?? null);
  }
  return {
    user_id: userId,
    user_email: validEmail,
    email_verified: claims.email_verified !== false && claims.email_verified !== 'false',
    display_name: name === null || CONTROL.test(name) ? null : name.slice(0, 256),
    role_claim: role,
  };
}

/**
 * ALLOWED_EMAIL_DOMAINS: the part after the `@` must equal one of the domains (case-insensitive;
 * a subdomain is a different domain). An address the IdP marks unverified never passes.
 */
export function checkEmailDomain(identity: SsoIdentity, domains: readonly string[]): void {
  if (domains.length === 0) return;
  if (identity.user_email === null) throw new SsoRefusal(403, 'email_missing', 'Sign-in is limited to certain email domains, and the identity provider did not send an email address.');
  if (!identity.email_verified) throw new SsoRefusal(403, 'email_unverified', `The identity provider says ${identity.user_email} is not verified, so its domain cannot be trusted.`);
  const domain = identity.user_email.slice(identity.user_email.lastIndexOf('@') + 1).toLowerCase();
  if (!domains.includes(domain)) {
    throw new SsoRefusal(403, 'email_domain', `${identity.user_email} is not allowed to sign in here: this gateway accepts only ${domains.map((d) => `@${d}`).join(', ')} addresses.`);
  }
}
