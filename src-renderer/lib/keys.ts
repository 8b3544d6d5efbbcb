/** Small facts about virtual keys as `/key/list` shows them. Pure, no DOM. */

/** Spend has reached the budget: the gateway refuses the key's next request (429 budget_exceeded). */
export function isOverBudget(row: { spend?: number | null; max_budget?: number | null }): boolean {
  return typeof row.max_budget === 'number' && typeof row.spend === 'number' && row.spend >= row.max_budget;
}

/**
 * Whether a key filter is already a reference the gateway takes (a raw `sk-` key, a SHA-256 hash
 * or a `key_id`), rather than an alias the UI must look up first.
 */
export function isKeyReference(value: string): boolean {
  return value.startsWith('sk-') || /^[0-9a-f]{64}$/i.test(value) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
