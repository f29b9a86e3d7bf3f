import type { Hono } from 'hono';
import type { EdgeDeps } from '../api.ts';
import { TRADE_CSV_COLUMNS, csvRow, tradeCsvRow } from '../csv.ts';
import { parseQuery, type Env } from '../http.ts';
import { pairFilter, requireStore, tradesCsvQuery } from '../query.ts';

const PAGE = 1000;

function stamp(ms: number | undefined, fallback: string): string {
  return ms === undefined ? fallback : new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** `GET /v1/trades.csv?from&to`: every matching trade, newest first, streamed page by page. */
export function exportRoutes(app: Hono<Env>, d: EdgeDeps): void {
  app.get('/v1/trades.csv', d.scope('read'), async (c) => {
    const q = parseQuery(c, tradesCsvQuery);
    if (!q.ok) return q.res;
    const store = requireStore(d.store);
    const filter = { ...pairFilter(q.data), state: q.data.state, from_ms: q.data.from, to_ms: q.data.to, limit: PAGE };
    // The first page is read before answering, so a bad filter or a store error is a proper error
    // document rather than a 200 with a truncated file.
    let page = await store.listTrades(filter);
    const enc = new TextEncoder();
    let headerSent = false;
    const body = new ReadableStream<Uint8Array>({
      pull: async (ctl) => {
        if (!headerSent) {
          headerSent = true;
          ctl.enqueue(enc.encode(csvRow([...TRADE_CSV_COLUMNS])));
        }
        ctl.enqueue(enc.encode(page.items.map(tradeCsvRow).join('')));
        if (page.next_cursor === null) ctl.close();
        else page = await store.listTrades({ ...filter, cursor: page.next_cursor });
      },
    });
    const name = `cambist-trades-${stamp(q.data.from, 'start')}-${stamp(q.data.to, 'now')}.csv`;
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
  });
}
