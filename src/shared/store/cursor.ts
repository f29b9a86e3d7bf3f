import { StoreError } from './errors.ts';

/** The paged lists and their keyset order: (time desc, key desc). The key breaks ties in a ms. */
export const LIST_SORT = {
  opportunities: { time: 'ts_ms', key: 'id' },
  trades: { time: 'created_ts_ms', key: 'trade_key' },
  windows: { time: 'opened_ts_ms', key: 'window_id' },
  audit_log: { time: 'ts_ms', key: 'id' },
  incidents: { time: 'ts_ms', key: 'id' },
} as const;
export type ListName = keyof typeof LIST_SORT;

/** The last row a page returned; the next page starts strictly after it. */
export interface CursorPosition {
  t: number;
  k: string;
}

const CURSOR_VERSION = 1;

/**
 * The cursor is opaque to clients but not secret: base64url JSON naming the list it belongs to, so a
 * trades cursor replayed against opportunities is refused instead of silently skipping rows.
 */
export function encodeCursor(list: ListName, pos: CursorPosition): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, l: list, t: pos.t, k: pos.k })).toString('base64url');
}

export function decodeCursor(list: ListName, cursor: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (e) {
    throw new StoreError('STORE_BAD_CURSOR', `cursor is not one this store issued: ${cursor.slice(0, 64)}`, { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new StoreError('STORE_BAD_CURSOR', 'cursor does not decode to an object');
  }
  const c = parsed as Record<string, unknown>;
  if (c.v !== CURSOR_VERSION || c.l !== list) {
    throw new StoreError('STORE_BAD_CURSOR', `cursor belongs to list ${String(c.l)} v${String(c.v)}, not ${list} v${CURSOR_VERSION}`);
  }
  if (typeof c.t !== 'number' || !Number.isSafeInteger(c.t) || typeof c.k !== 'string' || c.k.length === 0) {
    throw new StoreError('STORE_BAD_CURSOR', 'cursor position is malformed');
  }
  return { t: c.t, k: c.k };
}

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/**
 * Adapters fetch `limit + 1` rows; the extra row only tells whether an older page exists, so the
 * last page carries `next_cursor: null` instead of sending the client to an empty page.
 */
export function toPage<T>(
  list: ListName,
  rows: T[],
  limit: number,
  position: (row: T) => CursorPosition,
): { items: T[]; next_cursor: string | null } {
  if (rows.length <= limit) return { items: rows, next_cursor: null };
  const items = rows.slice(0, limit);
  return { items, next_cursor: encodeCursor(list, position(items[items.length - 1])) };
}
