import type { Hono } from 'hono';
import { encodeCursor } from '../../../shared/store/cursor.ts';
import type { Incident, Page, Store } from '../../../shared/store/index.ts';
import type { EdgeDeps } from '../api.ts';
import { parseQuery, type Env } from '../http.ts';
import {
  auditQuery, incidentsQuery, inventoryQuery, opportunitiesQuery, pairFilter, range, requireStore, tradesQuery, windowsQuery,
} from '../query.ts';

/**
 * The history lists (DESIGN §8): newest first, keyset cursor pagination, `{ items, next_cursor }`
 * with the store's record fields unchanged, so the console and the store speak one vocabulary.
 */
export function recordRoutes(app: Hono<Env>, d: EdgeDeps): void {
  const read = d.scope('read');

  app.get('/v1/opportunities', read, async (c) => {
    const q = parseQuery(c, opportunitiesQuery);
    if (!q.ok) return q.res;
    const { traded, window_id } = q.data;
    return c.json(await requireStore(d.store).listOpportunities({ ...pairFilter(q.data), ...range(q.data), traded, window_id }));
  });

  app.get('/v1/trades', read, async (c) => {
    const q = parseQuery(c, tradesQuery);
    if (!q.ok) return q.res;
    return c.json(await requireStore(d.store).listTrades({ ...pairFilter(q.data), ...range(q.data), state: q.data.state, window_id: q.data.window_id }));
  });

  app.get('/v1/windows', read, async (c) => {
    const q = parseQuery(c, windowsQuery);
    if (!q.ok) return q.res;
    return c.json(await requireStore(d.store).listWindows({ ...pairFilter(q.data), ...range(q.data), state: q.data.state }));
  });

  app.get('/v1/inventory', read, async (c) => {
    const q = parseQuery(c, inventoryQuery);
    if (!q.ok) return q.res;
    // The newest snapshot per (venue, asset) is a short, bounded list: one page, no cursor.
    return c.json({ items: await requireStore(d.store).latestInventory(q.data), next_cursor: null });
  });

  app.get('/v1/incidents', read, async (c) => {
    const q = parseQuery(c, incidentsQuery);
    if (!q.ok) return q.res;
    const store = requireStore(d.store);
    const base = { ...range(q.data), kind: q.data.kind };
    if (q.data.status === 'resolved') return c.json(await resolvedIncidents(store, base));
    return c.json(await store.listIncidents({ ...base, open_only: q.data.status === 'open' }));
  });

  app.get('/v1/audit', read, async (c) => {
    const q = parseQuery(c, auditQuery);
    if (!q.ok) return q.res;
    const { actor, action, target } = q.data;
    return c.json(await requireStore(d.store).listAudit({ ...range(q.data), actor, action, target }));
  });
}

/**
 * The store filters open incidents only; resolved ones are the complement, filtered here. Pages are
 * gathered until `limit` rows match, and the cursor points at the last row returned (or, after a long
 * run of open incidents, at the last row scanned) so paging stays exact.
 */
async function resolvedIncidents(store: Store, q: { cursor?: string; limit?: number; from_ms?: number; to_ms?: number; kind?: string }): Promise<Page<Incident>> {
  const limit = q.limit ?? 100;
  const items: Incident[] = [];
  let cursor = q.cursor;
  for (let scanned = 0; scanned < 20; scanned++) {
    const page = await store.listIncidents({ ...q, cursor, limit });
    for (const i of page.items) {
      if (i.resolved_ts_ms === null) continue;
      items.push(i);
      if (items.length === limit) {
        const more = i !== page.items.at(-1) || page.next_cursor !== null;
        return { items, next_cursor: more ? encodeCursor('incidents', { t: i.ts_ms, k: i.id }) : null };
      }
    }
    if (page.next_cursor === null) return { items, next_cursor: null };
    cursor = page.next_cursor;
  }
  return { items, next_cursor: cursor ?? null };
}
