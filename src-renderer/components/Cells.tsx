/** Table cells that several pages show the same way. */
import { formatMoney } from '../lib/format.ts';
import { Badge } from './Badge.tsx';

/** The muted dash of an empty cell. */
export const DASH = <span className="muted">—</span>;

/** Spend against an optional budget (∞ when none), with its reset period when given. */
export function SpendCell({ spend, max, per }: { spend: number | null | undefined; max: number | null | undefined; per?: string | null }) {
  return (
    <td className="num">
      {formatMoney(spend ?? 0)}
      <span className="muted"> / {max === null || max === undefined ? '∞' : formatMoney(max)}</span>
      {per ? <span className="muted"> per {per}</span> : null}
    </td>
  );
}

/** Up to three model names as chips and a count of the rest; "all" when none are listed. */
export function ModelsCell({ models }: { models: readonly string[] | undefined }) {
  return (
    <td>
      {models === undefined || models.length === 0 ? (
        <span className="muted">all</span>
      ) : (
        <span className="chips">
          {models.slice(0, 3).map((m) => (
            <Badge key={m}>{m}</Badge>
          ))}
          {models.length > 3 ? <span className="muted">+{models.length - 3}</span> : null}
        </span>
      )}
    </td>
  );
}
