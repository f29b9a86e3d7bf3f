import type { VenueFaults } from '../faults.ts';
import { type Asset, type CexVenue, CEX_VENUES, formatUnits } from '../market/assets.ts';
import type { MarketModel } from '../market/model.ts';

/**
 * All simulated assets share 2 price decimals and 8 size decimals, so price-ticks × size-lots is
 * always an amount of quote currency in 10^-10 units: balances and fees are exact bigints in it.
 */
export const QUOTE_DECIMALS = 10;
export const BASE_DECIMALS = 8;

export type TimeInForce = 'ioc' | 'fok';
export type OrderStatus = 'FILLED' | 'CANCELLED' | 'REJECTED';

export interface SimFill {
  trade_id: number;
  price: number;
  size: number;
  /** price × size in quote units. */
  quote: bigint;
  fee: bigint;
  ts_ms: number;
}

export interface SimOrder {
  id: string;
  client_order_id: string;
  venue: CexVenue;
  asset: Asset;
  side: 'buy' | 'sell';
  tif: TimeInForce;
  limit: number;
  size: number;
  filled: number;
  filled_quote: bigint;
  fee: bigint;
  fills: SimFill[];
  status: OrderStatus;
  reject_reason?: 'INSUFFICIENT_FUND';
  created_ms: number;
}

export interface OrderRequest {
  venue: CexVenue;
  asset: Asset;
  side: 'buy' | 'sell';
  tif: TimeInForce;
  /** Limit price in ticks. */
  limit: number;
  /** Size in lots. */
  size: number;
  client_order_id: string;
}

export const TAKER_FEE_BPS: Record<CexVenue, number> = { coinbase: 60, gemini: 35, bitstamp: 16 };

export const DEFAULT_BALANCES: Record<string, string> = { USD: '1000000', SOL: '5000', BTC: '20', ETH: '300' };

function toUnits(text: string, decimals: number): bigint {
  const [i, f = ''] = text.split('.');
  return BigInt(i) * 10n ** BigInt(decimals) + BigInt(f.padEnd(decimals, '0').slice(0, decimals) || '0');
}

export function formatQuote(units: bigint): string {
  return formatBig(units, QUOTE_DECIMALS);
}

export function formatBig(units: bigint, decimals: number): string {
  if (units < 0n) return `-${formatBig(-units, decimals)}`;
  if (units <= BigInt(Number.MAX_SAFE_INTEGER)) return formatUnits(Number(units), decimals);
  const s = units.toString().padStart(decimals + 1, '0');
  return `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
}

/**
 * The CEX matching engine: taker orders (IOC, FOK) against the simulated books, one account per
 * venue. Resting orders are not simulated: the engine only ever sends IOC-style orders.
 */
export class MatchingEngine {
  private readonly orders = new Map<CexVenue, Map<string, SimOrder>>();
  private readonly byClientId = new Map<CexVenue, Map<string, SimOrder>>();
  private readonly balances = new Map<CexVenue, Map<string, bigint>>();
  private readonly listeners = new Set<(o: SimOrder) => void>();
  private nextId = 1;
  private nextTrade = 1;

  constructor(
    private readonly model: MarketModel,
    private readonly faults: Record<CexVenue, VenueFaults>,
    initial: Record<string, string> = DEFAULT_BALANCES,
  ) {
    for (const v of CEX_VENUES) {
      this.orders.set(v, new Map());
      this.byClientId.set(v, new Map());
      const b = new Map<string, bigint>();
      for (const [cur, amt] of Object.entries(initial)) b.set(cur, toUnits(amt, cur === 'USD' ? QUOTE_DECIMALS : BASE_DECIMALS));
      this.balances.set(v, b);
    }
  }

  onOrder(fn: (o: SimOrder) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Balance in 10^-10 USD or 10^-8 base units. */
  balance(venue: CexVenue, currency: string): bigint {
    return this.balances.get(venue)!.get(currency) ?? 0n;
  }

  currencies(venue: CexVenue): string[] {
    return [...this.balances.get(venue)!.keys()];
  }

  order(venue: CexVenue, id: string): SimOrder | undefined {
    return this.orders.get(venue)!.get(id);
  }

  orderByClientId(venue: CexVenue, client_order_id: string): SimOrder | undefined {
    return this.byClientId.get(venue)!.get(client_order_id);
  }

  allOrders(venue: CexVenue): SimOrder[] {
    return [...this.orders.get(venue)!.values()];
  }

  /** Venue-formatted order ids are the caller's business; the engine numbers orders globally. */
  place(req: OrderRequest, formatId: (n: number) => string): SimOrder {
    const ts = this.model.nowMs();
    const order: SimOrder = {
      id: formatId(this.nextId++),
      client_order_id: req.client_order_id,
      venue: req.venue,
      asset: req.asset,
      side: req.side,
      tif: req.tif,
      limit: req.limit,
      size: req.size,
      filled: 0,
      filled_quote: 0n,
      fee: 0n,
      fills: [],
      status: 'CANCELLED',
      created_ms: ts,
    };
    const bal = this.balances.get(req.venue)!;
    const feeBps = BigInt(TAKER_FEE_BPS[req.venue]);
    const worst = BigInt(req.limit) * BigInt(req.size);
    const enough = req.side === 'buy' ? (bal.get('USD') ?? 0n) >= worst + ceilDiv(worst * feeBps, 10_000n) : (bal.get(req.asset) ?? 0n) >= BigInt(req.size);
    if (!enough) {
      order.status = 'REJECTED';
      order.reject_reason = 'INSUFFICIENT_FUND';
      return this.record(order);
    }
    const ratio = this.faults[req.venue].takePartial();
    const cap = ratio === undefined ? req.size : Math.floor(req.size * ratio);
    if (req.tif === 'fok' && (cap < req.size || this.available(req) < req.size)) return this.record(order);
    const fills = cap > 0 ? this.model.take(req.venue, req.asset, req.side, req.limit, cap) : [];
    for (const f of fills) {
      const quote = BigInt(f.price) * BigInt(f.size);
      const fee = ceilDiv(quote * feeBps, 10_000n);
      order.fills.push({ trade_id: this.nextTrade++, price: f.price, size: f.size, quote, fee, ts_ms: ts });
      order.filled += f.size;
      order.filled_quote += quote;
      order.fee += fee;
      const sign = req.side === 'buy' ? 1n : -1n;
      bal.set(req.asset, (bal.get(req.asset) ?? 0n) + sign * BigInt(f.size));
      bal.set('USD', (bal.get('USD') ?? 0n) - sign * quote - fee);
    }
    order.status = order.filled === req.size ? 'FILLED' : 'CANCELLED';
    return this.record(order);
  }

  private available(req: OrderRequest): number {
    const snap = this.model.snapshot(req.venue, req.asset);
    const levels = req.side === 'buy' ? snap.asks : snap.bids;
    let n = 0;
    for (const l of levels) {
      if (req.side === 'buy' ? l.price > req.limit : l.price < req.limit) break;
      n += l.size;
    }
    return n;
  }

  private record(o: SimOrder): SimOrder {
    this.orders.get(o.venue)!.set(o.id, o);
    this.byClientId.get(o.venue)!.set(o.client_order_id, o);
    for (const fn of this.listeners) fn(o);
    return o;
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Average fill price as a decimal string with `decimals` places (truncated), or "0". */
export function avgPrice(o: SimOrder, price_decimals: number): string {
  if (o.filled === 0) return '0';
  // filled_quote is in 10^-(pd+sd) units; dividing by lots leaves 10^-pd, keep 8 more digits of precision.
  const scaled = (o.filled_quote * 10n ** 8n) / BigInt(o.filled);
  return formatBig(scaled, price_decimals + 8).replace(/0+$/, '').replace(/\.$/, '');
}
