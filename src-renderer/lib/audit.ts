/** Reading audit rows (`GET /audit`): what changed between before and after. Pure, no DOM. */

type Row = Record<string, unknown>;

/** Field names whose value differs between before and after (top level). */
export function changedFields(before: unknown, after: unknown): string[] {
  const b = typeof before === 'object' && before !== null ? (before as Row) : {};
  const a = typeof after === 'object' && after !== null ? (after as Row) : {};
  const names = new Set([...Object.keys(b), ...Object.keys(a)]);
  return [...names].filter((n) => JSON.stringify(b[n]) !== JSON.stringify(a[n])).sort();
}

/** One line for a row: created / deleted, else the first fields that changed. */
export function changeSummary(before: unknown, after: unknown): string {
  const empty = (v: unknown): boolean => v === null || v === undefined;
  if (empty(before) && !empty(after)) return 'created';
  if (!empty(before) && empty(after)) return 'deleted';
  const changed = changedFields(before, after);
  if (changed.length === 0) return 'details';
  return changed.slice(0, 4).join(', ') + (changed.length > 4 ? ` +${changed.length - 4}` : '');
}
