import type {
  AuditInput,
  Incident,
  InventorySnapshot,
  Leg,
  Opportunity,
  TradeRecord,
  WindowRecord,
} from '../../src/shared/store/records.ts';
import { StoreError } from '../../src/shared/store/errors.ts';
import type { Page } from '../../src/shared/store/port.ts';

/** Record factories for the store contract: every field set, with values that survive a round trip exactly. */

export const T0 = 1_700_000_000_000;

export function opportunity(over: Partial<Opportunity> = {}): Opportunity {
  return {
    id: 'opp-1',
    ts_ms: T0,
    asset: 'SOL',
    cex_venue: 'coinbase',
    dex_route: 'orca:SOL-USDC:64',
    direction: 'buy_cex_sell_dex',
    size_base: 12.5,
    cex_vwap: 150.125,
    dex_price: 150.875,
    gross_edge_bps: 49.96,
    net_edge_bps: 21.3,
    predicted_pnl_quote: 3.3275,
    window_id: 'win-1',
    traded: false,
    reason_not_traded: 'below_threshold',
    ...over,
  };
}

export function leg(over: Partial<Leg> = {}): Leg {
  return {
    venue: 'coinbase',
    side: 'buy',
    client_order_id: 'cb-abc-0',
    price_cap: 150.2,
    size_base: 12.5,
    filled_size_base: 0,
    avg_price: null,
    fee_quote: null,
    status: 'pending',
    order_id: null,
    signature: null,
    sent_us: null,
    ack_us: null,
    filled_us: null,
    ...over,
  };
}

export function trade(over: Partial<TradeRecord> = {}): TradeRecord {
  return {
    trade_key: 'SOL:coinbase:orca:b2s:win-1:0',
    asset: 'SOL',
    cex_venue: 'coinbase',
    dex_route: 'orca:SOL-USDC:64',
    direction: 'buy_cex_sell_dex',
    window_id: 'win-1',
    attempt: 0,
    state: 'intent',
    legs: [leg(), leg({ venue: 'solana', side: 'sell', client_order_id: 'sol-abc-0', price_cap: 150.5 })],
    predicted_pnl_quote: 3.3275,
    realised_pnl_quote: null,
    reason: null,
    tick_recv_us: 12_345_678.25,
    decided_us: 12_345_701.5,
    created_ts_ms: T0,
    updated_ts_ms: T0,
    ...over,
  };
}

export function window(over: Partial<WindowRecord> = {}): WindowRecord {
  return {
    window_id: 'win-1',
    asset: 'SOL',
    cex_venue: 'coinbase',
    dex_route: 'orca:SOL-USDC:64',
    direction: 'buy_cex_sell_dex',
    state: 'open',
    opened_ts_ms: T0,
    last_above_ts_ms: T0 + 1_500,
    closed_ts_ms: null,
    signals: 7,
    trades: 1,
    peak_edge_bps: 31.5,
    mean_edge_bps: 22.25,
    reason_not_traded: null,
    ...over,
  };
}

export function inventory(over: Partial<InventorySnapshot> = {}): InventorySnapshot {
  return { ts_ms: T0, venue: 'coinbase', asset: 'SOL', free: 100.5, locked: 2.25, ...over };
}

export function audit(over: Partial<AuditInput> = {}): AuditInput {
  return {
    ts_ms: T0,
    actor: 'operator:alice',
    action: 'config.update',
    target: 'config/SOL',
    before: { profit_threshold_pct_hot: 0.2, venues: ['coinbase'] },
    after: { profit_threshold_pct_hot: 0.25, venues: ['coinbase', 'gemini'], note: null },
    ...over,
  };
}

export function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    ts_ms: T0,
    kind: 'kill_switch',
    reason: 'unhedged notional x seconds over limit',
    actor: 'risk:SOL',
    timeline: [{ ts_ms: T0, actor: 'risk:SOL', event: 'tripped', note: 'unhedged 1200 USDC for 40 s' }],
    resolved_ts_ms: null,
    ...over,
  };
}

/** Resolve to the StoreError a promise rejects with; fails the test if it resolves or throws something else. */
export async function rejection(p: Promise<unknown>): Promise<StoreError> {
  const outcome = await p.then(
    (v: unknown) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (outcome.ok) throw new Error(`expected a StoreError, the call resolved to ${JSON.stringify(outcome.v)}`);
  if (!(outcome.e instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(outcome.e)}`);
  return outcome.e;
}

/** Every page of a list, following next_cursor to the end. */
export async function allPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await fetch(cursor);
    pages.push(page.items);
    if (page.next_cursor === null) return pages;
    cursor = page.next_cursor;
  }
  throw new Error('pagination did not terminate');
}

/** Newest first, ties broken by key descending: the order every list promises. */
export function newestFirst<T>(rows: readonly T[], time: (r: T) => number, key: (r: T) => string): T[] {
  return [...rows].sort((a, b) => time(b) - time(a) || (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}
