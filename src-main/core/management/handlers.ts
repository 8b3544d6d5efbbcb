/**
 * How management modules plug into the HTTP layer: a table from 'METHOD /path' (the route table's
 * path, with `:params`) to a handler that gets the validated principal and returns JSON. The HTTP
 * layer has already authenticated the caller and checked route access by role and key.
 */
import type { Principal } from '../auth/index.ts';
import type { Actor } from './actor.ts';

export interface ManagementCall {
  principal: Principal;
  actor: Actor;
  /** Parsed JSON body (unvalidated: validate with the src-shared schema via `parseBody`). */
  body: unknown;
  query: Readonly<Record<string, string | undefined>>;
  params: Readonly<Record<string, string | undefined>>;
  requestId: string;
}

/** Returns the JSON to send (status 200), or a `{ status, body }` for another status. */
export type ManagementHandler = (call: ManagementCall) => unknown;

export type HandlerTable = Record<string, ManagementHandler>;
