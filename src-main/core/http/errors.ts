/**
 * Turning failures into the one envelope of CONTRACT section 4. Unknown errors become a 500 with
 * the request id only: never a stack trace, a key or a provider secret.
 */
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { GatewayError, isGatewayError, type ErrorEnvelope } from '../../../src-shared/errors.ts';

export function toGatewayError(err: unknown, requestId: string): GatewayError {
  if (isGatewayError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean } | null;
  if (e !== null && typeof e === 'object') {
    if (e.type === 'entity.too.large') return new GatewayError('ERR_BODY_TOO_LARGE', 'Request body too large (max_request_size_mb).');
    if (e.type === 'entity.parse.failed') return new GatewayError('ERR_BAD_REQUEST', 'Malformed JSON in the request body.');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new GatewayError('ERR_BAD_REQUEST', 'Unsupported request body encoding.');
    if (e.status === 400 && e.expose === true) return new GatewayError('ERR_BAD_REQUEST', 'Bad request body.');
  }
  return new GatewayError('ERR_INTERNAL', `Internal error (request id ${requestId}).`, { cause: err });
}

export function writeError(res: ServerResponse, err: GatewayError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorEnvelope = err.toEnvelope();
  const payload = JSON.stringify(body);
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.statusCode = err.status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}

/** Validates a body with a strict src-shared schema; unknown fields and bad values name the field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue === undefined) throw new GatewayError('ERR_BAD_REQUEST', 'Invalid request body.');
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path, issue.keys[0] ?? ''].join('.');
    throw new GatewayError('ERR_BAD_REQUEST', `Unknown field "${field}".`, { param: field });
  }
  const field = issue.path.map(String).join('.');
  throw new GatewayError('ERR_BAD_REQUEST', field === '' ? issue.message : `Invalid ${field}: ${issue.message}.`, { param: field === '' ? null : field });
}
