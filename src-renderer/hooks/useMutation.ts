/** The management-call plumbing the pages share: post, say so in a toast, reload what changed. */
import { useApp } from '../AppContext.tsx';

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `post(path, body, message, after)`: posts, then notifies `message` and calls `after`; a failure throws (to the dialog). */
export function usePost(): (path: string, body: unknown, message: string, after: () => void) => Promise<void> {
  const { client, notify } = useApp();
  return async (path, body, message, after) => {
    await client.post(path, body);
    notify(message);
    after();
  };
}

/**
 * Block / unblock from a table row: posts to `paths[0]` or `paths[1]` with `body(row)` and says
 * "<name> blocked." or "<name> unblocked."; a failure is an error toast.
 */
export function useSetBlocked<R>(paths: readonly [block: string, unblock: string], body: (row: R) => unknown, name: (row: R) => string, after: () => void): (row: R, blocked: boolean) => Promise<void> {
  const { notify } = useApp();
  const post = usePost();
  return async (row, blocked) => {
    try {
      await post(blocked ? paths[0] : paths[1], body(row), `${name(row)} ${blocked ? 'blocked' : 'unblocked'}.`, after);
    } catch (err) {
      notify(errorText(err), 'error');
    }
  };
}
