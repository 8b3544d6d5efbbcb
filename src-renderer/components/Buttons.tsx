/** Buttons that recur across pages: header actions and small row actions. */
import type { ReactNode } from 'react';

/** The primary action of a page header (e.g. "New team"). */
export function PrimaryButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="button button-primary" onClick={onClick}>
      {children}
    </button>
  );
}

export function RefreshButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="button" onClick={onClick}>
      Refresh
    </button>
  );
}

/** A small button in a table row; `label` is its accessible name (the action and the row). Not shown when not `allowed`. */
export function RowButton({ label, onClick, danger = false, allowed = true, children }: { label: string; onClick: () => void; danger?: boolean; allowed?: boolean; children: ReactNode }) {
  if (!allowed) return null;
  return (
    <button type="button" className={danger ? 'button button-small button-danger-quiet' : 'button button-small'} onClick={onClick} aria-label={label}>
      {children}
    </button>
  );
}

/** Block / Unblock for a row named `name`; `onToggle` gets the state to switch to. */
export function BlockButton({ blocked, name, onToggle }: { blocked: boolean; name: string; onToggle: (blocked: boolean) => void }) {
  const verb = blocked ? 'Unblock' : 'Block';
  return (
    <RowButton label={`${verb} ${name}`} onClick={() => onToggle(!blocked)}>
      {verb}
    </RowButton>
  );
}
