/** Small status pill. */
import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'accent';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function BlockedBadge({ blocked }: { blocked: boolean }) {
  return blocked ? <Badge tone="danger">Blocked</Badge> : <Badge tone="success">Active</Badge>;
}
