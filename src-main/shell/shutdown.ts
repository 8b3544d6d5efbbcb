/**
 * Quit: the first 'before-quit' is held back until the gateway has stopped (in-flight requests
 * finished, spend flushed), bounded so a stuck request cannot keep the app alive; then the app
 * exits. Later 'before-quit' events during the wait are swallowed.
 */

export interface QuitHandlerDeps {
  stop: () => Promise<void>;
  /** app.exit: ends without emitting 'before-quit' again. */
  exit: (code: number) => void;
  onError?: (error: unknown) => void;
  timeoutMs?: number;
}

export function createQuitHandler(deps: QuitHandlerDeps): (event: { preventDefault(): void }) => void {
  let state: 'running' | 'stopping' | 'done' = 'running';
  return (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deps.timeoutMs ?? 10_000);
      timer.unref?.();
    });
    let code = 0;
    Promise.race([deps.stop(), timeout])
      .catch((error: unknown) => {
        code = 1;
        deps.onError?.(error);
      })
      .finally(() => {
        clearTimeout(timer);
        state = 'done';
        deps.exit(code);
      });
  };
}
