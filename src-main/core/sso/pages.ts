/**
 * The few HTML pages the SSO routes answer in the person's browser: a refusal that says why, the
 * "return to the app" page, "continue in your browser". Every dynamic string is escaped; the CSP
 * allows nothing but the page's one inline style (by hash): no script, no images, no forms, no
 * framing. No referrer leaves these pages, so the callback's code and state stay on this origin.
 */
import { createHash } from 'node:crypto';
import { RawResponse } from '../http/app.ts';

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7f9;color:#1d2330;margin:0}',
  'main{max-width:34rem;margin:12vh auto;padding:2rem 2.25rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}',
  'h1{font-size:1.35rem;margin:0 0 .75rem}p{line-height:1.5;margin:.5rem 0}',
  '.reason{font-family:ui-monospace,monospace;font-size:.85rem;color:#5b6475}',
  '.refused h1{color:#a4262c}.ok h1{color:#1b7f3b}a{color:#2557d6}',
].join('');

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Headers of every SSO page (CSP Level 3 hash source; OWASP secure headers). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function page(status: number, kind: 'refused' | 'ok', title: string, paragraphs: readonly string[], reason?: string, link?: { href: string; text: string }): RawResponse {
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)} · Tollgate</title><style>${STYLE}</style></head>`,
    `<body><main class="${kind}"><h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link === undefined ? [] : [`<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>`]),
    ...(reason === undefined ? [] : [`<p class="reason">Reason: ${escapeHtml(reason)}</p>`]),
    '</main></body></html>',
  ].join('\n');
  return new RawResponse(status, 'text/html; charset=utf-8', body, PAGE_HEADERS);
}

/** A refused sign-in: nothing was created, no token, no session. */
export function refusedPage(status: number, reason: string, message: string, retryHref: string | null): RawResponse {
  return page(status, 'refused', 'Sign-in refused', [message, 'Nothing was created and you are not signed in.'], reason, retryHref === null ? undefined : { href: retryHref, text: 'Start sign-in again' });
}

export function returnToAppPage(): RawResponse {
  return page(200, 'ok', 'You are signed in', ['Return to the Tollgate app: it is signed in now. You can close this tab.']);
}

export function continueInBrowserPage(): RawResponse {
  return page(200, 'ok', 'Continue in your browser', ['Tollgate opened your identity provider’s sign-in page in your browser. Finish signing in there.']);
}

export function notConfiguredPage(): RawResponse {
  return page(404, 'refused', 'Single sign-on is not set up', [
    'This gateway has no identity provider configured. Set GOOGLE_CLIENT_ID, MICROSOFT_CLIENT_ID or GENERIC_CLIENT_ID (with their secrets and endpoints) and restart, or sign in with the one-time link that `tollgate serve` prints.',
  ], 'sso_not_configured');
}

/** A 302 that sends no referrer. */
export function redirect(location: string): RawResponse {
  return new RawResponse(302, 'text/plain; charset=utf-8', '', { location, 'referrer-policy': 'no-referrer' });
}
