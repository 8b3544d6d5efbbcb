/** HTTP handlers of the key endpoints (LiteLLM paths and shapes), over the KeyService. */
import { GatewayError } from '../../../src-shared/errors.ts';
import { keyBlockSchema, keyDeleteSchema, keyGenerateSchema, keyRegenerateSchema, keyUpdateSchema } from '../../../src-shared/management.ts';
import { parseBody } from '../http/errors.ts';
import type { HandlerTable, ManagementCall } from './handlers.ts';
import type { KeyService } from './keys.ts';

function queryInt(call: ManagementCall, name: string): number | undefined {
  const v = call.query[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new GatewayError('ERR_BAD_REQUEST', `${name} must be a positive integer.`, { param: name });
  return n;
}

export function keyHandlers(keys: KeyService): HandlerTable {
  return {
    'POST /key/generate': (c) => keys.generate(parseBody(keyGenerateSchema, c.body), c.actor),
    'POST /key/update': (c) => keys.update(parseBody(keyUpdateSchema, c.body), c.actor),
    'POST /key/delete': (c) => keys.delete(parseBody(keyDeleteSchema, c.body), c.actor),
    'POST /key/regenerate': (c) => {
      const b = parseBody(keyRegenerateSchema, c.body);
      if (b.key === undefined) throw new GatewayError('ERR_BAD_REQUEST', 'key is required.', { param: 'key' });
      return keys.regenerate(b.key, b, c.actor);
    },
    'POST /key/:key/regenerate': (c) => {
      const b = parseBody(keyRegenerateSchema, c.body ?? {});
      return keys.regenerate(c.params.key ?? '', b, c.actor);
    },
    'POST /key/block': (c) => keys.setBlocked(parseBody(keyBlockSchema, c.body).key, true, c.actor),
    'POST /key/unblock': (c) => keys.setBlocked(parseBody(keyBlockSchema, c.body).key, false, c.actor),
    'POST /key/:key/reset_spend': (c) => keys.resetSpend(c.params.key ?? '', c.actor),
    'GET /key/info': (c) => {
      const ref = c.query.key;
      if (ref === undefined || ref === '') {
        // LiteLLM: no key means the caller's own key.
        if (c.principal.key_id !== null) return keys.info(c.principal.key_id, c.actor);
        throw new GatewayError('ERR_BAD_REQUEST', 'key is required (?key=).', { param: 'key' });
      }
      return keys.info(ref, c.actor);
    },
    'GET /key/list': (c) => keys.list({
      ...(queryInt(c, 'page') === undefined ? {} : { page: queryInt(c, 'page') }),
      ...(queryInt(c, 'size') === undefined ? {} : { size: queryInt(c, 'size') }),
      ...(c.query.user_id === undefined ? {} : { user_id: c.query.user_id }),
      ...(c.query.team_id === undefined ? {} : { team_id: c.query.team_id }),
      ...(c.query.organization_id === undefined ? {} : { organization_id: c.query.organization_id }),
      ...(c.query.key_alias === undefined ? {} : { key_alias: c.query.key_alias }),
    }, c.actor),
  };
}
