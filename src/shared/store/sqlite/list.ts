import { LIST_SORT, type CursorPosition, type ListName } from '../cursor.ts';
import type { PairFilter, TimeRange } from '../port.ts';

/** Accumulates AND-ed conditions with positional parameters; the SQL text only depends on which filters are set. */
export class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  eq(column: string, value: string | number | undefined): this {
    if (value !== undefined) this.add(`${column} = ?`, value);
    return this;
  }

  /**
   * One parameter whatever the list length (json_each over a JSON array), so the statement cache
   * holds one entry per filter shape rather than one per list length.
   */
  in(column: string, values: readonly string[] | undefined): this {
    if (values !== undefined) this.add(`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(values));
    return this;
  }

  pair(q: PairFilter | undefined): this {
    return this.eq('asset', q?.asset).eq('cex_venue', q?.cex_venue).eq('dex_route', q?.dex_route).eq('direction', q?.direction);
  }

  time(column: string, q: TimeRange | undefined): this {
    if (q?.from_ms !== undefined) this.add(`${column} >= ?`, q.from_ms);
    if (q?.to_ms !== undefined) this.add(`${column} < ?`, q.to_ms);
    return this;
  }

  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }

  sql(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

/**
 * Keyset page: rows strictly after the cursor in (time desc, key desc) order. The row-value
 * comparison `(t, k) < (?, ?)` is what SQLite can answer from the (t, k) index directly.
 */
export function pageSql(
  list: ListName,
  table: string,
  columns: readonly string[],
  where: Where,
  after: CursorPosition | null,
  limit: number,
): { sql: string; params: unknown[] } {
  const { time, key } = LIST_SORT[list];
  if (after !== null) where.add(`(${time}, ${key}) < (?, ?)`, after.t, after.k);
  const sql = `SELECT ${columns.join(', ')} FROM ${table} ${where.sql()} ORDER BY ${time} DESC, ${key} DESC LIMIT ?`;
  return { sql, params: [...where.params, limit + 1] };
}
