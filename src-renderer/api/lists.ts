/**
 * Tolerant reading of list responses. LiteLLM's list endpoints do not agree on a shape
 * (`/key/list` -> `{keys, total_count, current_page, total_pages}`, `/user/list` -> `{users, ...}`,
 * others a bare array or `{data: [...]}`), so the UI accepts all of them. Pure, no DOM.
 */

export interface Page<T> {
  items: T[];
  /** Total rows on the server, when it said. */
  total: number | null;
  /** 1-based page number, when it said. */
  page: number | null;
  totalPages: number | null;
}

/** Property names under which list endpoints put their rows, most likely first. */
const ROW_KEYS = ['data', 'keys', 'users', 'teams', 'customers', 'end_users', 'budgets', 'models', 'logs', 'rows', 'items', 'results'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/**
 * Reads rows and paging info from any of the shapes above.
 * @example toPage({keys: [{key_id: 'a'}], total_count: 1, current_page: 1, total_pages: 1}).items
 */
export function toPage<T = Record<string, unknown>>(value: unknown): Page<T> {
  if (Array.isArray(value)) return { items: value as T[], total: value.length, page: null, totalPages: null };
  if (!isRecord(value)) return { items: [], total: null, page: null, totalPages: null };
  let items: T[] = [];
  for (const key of ROW_KEYS) {
    const candidate = value[key];
    if (Array.isArray(candidate)) {
      items = candidate as T[];
      break;
    }
  }
  const total = num(value.total_count) ?? num(value.total) ?? num(value.count);
  const page = num(value.current_page) ?? num(value.page);
  let totalPages = num(value.total_pages);
  const size = num(value.page_size) ?? num(value.size);
  if (totalPages === null && total !== null && size !== null && size > 0) totalPages = Math.max(1, Math.ceil(total / size));
  return { items, total, page, totalPages };
}

/** Just the rows. */
export function toList<T = Record<string, unknown>>(value: unknown): T[] {
  return toPage<T>(value).items;
}

/** First string among the named fields of a row (for fields that LiteLLM spells several ways). */
export function pickString(row: Record<string, unknown>, ...names: string[]): string | null {
  for (const n of names) {
    const v = row[n];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

/** First finite number among the named fields of a row. */
export function pickNumber(row: Record<string, unknown>, ...names: string[]): number | null {
  for (const n of names) {
    const v = num(row[n]);
    if (v !== null) return v;
  }
  return null;
}
