/**
 * Small helpers for forms: read optional numbers from text inputs and turn zod issues and the
 * gateway's `param` into one message per field. Pure, no DOM.
 */
import type { z } from 'zod';
import { ApiError } from '../api/GatewayClient.ts';

export type FieldErrors = Record<string, string>;

/** `''` -> undefined; a number -> the number; anything else -> NaN (so validation can name it). */
export function optionalNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** `''` -> undefined, else the trimmed text. */
export function optionalText(text: string): string | undefined {
  const t = text.trim();
  return t === '' ? undefined : t;
}

/** Drops undefined values so a strict schema does not see them and the body stays minimal. */
export function compact<T extends Record<string, unknown>>(body: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

/**
 * One message per field from a zod error (first issue wins). With `fields`, a nested path such as
 * `litellm_params.api_base` lands on the deepest segment the form has (`api_base`).
 */
export function zodFieldErrors(error: z.ZodError, fields?: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    const known = fields === undefined ? undefined : [...path].reverse().find((seg) => fields.includes(seg));
    const field = known ?? (path.length > 0 ? (path[0] as string) : '_form');
    if (out[field] === undefined) out[field] = issue.message;
  }
  return out;
}

/**
 * The field a server error belongs on: its `param` when the form has such a field (also for
 * nested params such as `litellm_params.api_base`), else the form as a whole.
 */
export function serverFieldErrors(error: unknown, fields: readonly string[]): FieldErrors {
  if (!(error instanceof ApiError)) return { _form: error instanceof Error ? error.message : String(error) };
  if (error.param !== null) {
    const candidates = [error.param, error.param.split('.').at(-1) ?? '', error.param.split('.')[0] ?? ''];
    const hit = candidates.find((c) => fields.includes(c));
    if (hit !== undefined) return { [hit]: error.message };
  }
  return { _form: error.message };
}
