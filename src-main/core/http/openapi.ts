/**
 * /openapi.json, generated from the route table and the same zod schemas that validate the
 * management bodies (so the document cannot drift from what the server accepts).
 */
import { z } from 'zod';
import { ROUTES } from '../../../src-shared/routes.ts';

export function buildOpenApi(schemas: Readonly<Record<string, z.ZodType>>, version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  const envelope = {
    type: 'object',
    properties: { error: { type: 'object', properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: 'string' } }, required: ['message', 'type', 'param', 'code'] } },
  };
  for (const r of ROUTES) {
    const oaPath = r.path.replace(/:([a-z_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.classes[0] ?? 'other'],
      ...(r.perm === 'public' ? { security: [] } : {}),
      responses: { '200': { description: 'OK' }, default: { description: 'Error envelope', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } } },
    };
    const params = [...r.path.matchAll(/:([a-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (params.length > 0) op.parameters = params;
    const schema = schemas[`${r.method} ${r.path}`];
    if (schema !== undefined) {
      op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } };
    }
    (paths[oaPath] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tollgate', version, description: 'Local LLM gateway: LiteLLM-compatible management API and OpenAI/Anthropic-compatible LLM routes.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { ErrorEnvelope: envelope } },
    security: [{ bearer: [] }],
    paths,
  };
}
