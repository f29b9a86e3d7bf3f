import { z } from 'zod';
import { CambistError } from '../../shared/errors.ts';
import { DIRECTIONS, TRADE_STATES, WINDOW_STATES, type Store } from '../../shared/store/index.ts';

/**
 * Query-string schemas of the list routes. Strict: an unknown parameter is a 400 naming it, because
 * a misspelt filter (`?assset=SOL`) silently returning everything is how an operator misreads a page.
 * Times are epoch milliseconds, half-open `from ≤ t < to` on each list's sort time.
 */
const ms = z.string().regex(/^\d{1,16}$/, 'epoch milliseconds, e.g. 1700000000000').transform(Number);
const limit = z
  .string()
  .regex(/^\d{1,4}$/, 'an integer 1..1000')
  .transform(Number)
  .pipe(z.number().int().min(1, 'at least 1').max(1000, 'at most 1000'));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const name = z.string().min(1).max(256);

const page = { cursor: z.string().min(1).max(1024).optional(), limit: limit.optional(), from: ms.optional(), to: ms.optional() };
const pair = { asset: name.optional(), venue: name.optional(), route: name.optional(), direction: z.enum(DIRECTIONS).optional() };

export const opportunitiesQuery = z.strictObject({ ...page, ...pair, traded: bool.optional(), window_id: name.optional() });

const tradeStates = z
  .string()
  .min(1)
  .transform((s) => s.split(','))
  .pipe(z.array(z.enum(TRADE_STATES)).min(1));
export const tradesQuery = z.strictObject({ ...page, ...pair, state: tradeStates.optional(), window_id: name.optional() });
/** The CSV export: the same filters, no paging (it walks every page itself). */
export const tradesCsvQuery = z.strictObject({ from: ms.optional(), to: ms.optional(), ...pair, state: tradeStates.optional() });

export const windowsQuery = z.strictObject({ ...page, ...pair, state: z.enum(WINDOW_STATES).optional() });
export const inventoryQuery = z.strictObject({ asset: name.optional(), venue: name.optional() });
export const incidentsQuery = z.strictObject({ ...page, kind: name.optional(), status: z.enum(['open', 'resolved']).optional() });
export const auditQuery = z.strictObject({ ...page, actor: name.optional(), action: name.optional(), target: name.optional() });

/** Query parameter names → store filter names. */
export function pairFilter(q: { asset?: string; venue?: string; route?: string; direction?: (typeof DIRECTIONS)[number] }) {
  return { asset: q.asset, cex_venue: q.venue, dex_route: q.route, direction: q.direction };
}

export function range(q: { from?: number; to?: number; cursor?: string; limit?: number }) {
  return { from_ms: q.from, to_ms: q.to, cursor: q.cursor, limit: q.limit };
}

export function requireStore(store: Store | undefined): Store {
  if (!store) throw new CambistError('EDGE_NO_STORE', 'this engine runs without a store; history routes are unavailable', { retry: 'retryable' });
  return store;
}
