/** Loading, empty and error states, the same on every page. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/GatewayClient.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children === undefined ? null : <div className="state-body">{children}</div>}
    </div>
  );
}

/** Explains a failed call: the gateway's message, plus its type and status for the curious. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const api = error instanceof ApiError ? error : null;
  const message = api?.message ?? (error instanceof Error ? error.message : String(error));
  return (
    <div className="banner banner-error" role="alert">
      <div>
        <strong>{api !== null && api.status === 0 ? 'Gateway unreachable' : 'Request failed'}</strong>
        <span className="banner-message">{message}</span>
        {api !== null && api.status !== 0 ? (
          <span className="banner-meta">
            {api.type} · HTTP {api.status}
            {api.param === null ? '' : ` · ${api.param}`}
          </span>
        ) : null}
      </div>
      {onRetry === undefined ? null : (
        <button type="button" className="button button-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
