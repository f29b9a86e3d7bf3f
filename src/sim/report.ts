import { type CexVenue, CEX_VENUES, formatPrice, formatSize } from './market/assets.ts';
import type { MarketModel } from './market/model.ts';
import { formatQuote, type MatchingEngine, type SimOrder } from './matching/engine.ts';
import type { SolanaChain, TxReceipt } from './venues/solana/chain.ts';

/** One CEX order as `GET /sim/orders` lists it: decimal strings, as the venues print them. */
export interface OrderView {
  venue: CexVenue;
  id: string;
  client_order_id: string;
  asset: string;
  side: 'buy' | 'sell';
  tif: 'ioc' | 'fok';
  limit_price: string;
  size: string;
  filled_size: string;
  filled_usd: string;
  fee_usd: string;
  status: SimOrder['status'];
  reject_reason: string | null;
  created_ms: number;
  fills: { trade_id: number; price: string; size: string; fee_usd: string; ts_ms: number }[];
}

export function orderView(o: SimOrder, model: MarketModel): OrderView {
  const spec = model.spec(o.asset);
  return {
    venue: o.venue,
    id: o.id,
    client_order_id: o.client_order_id,
    asset: o.asset,
    side: o.side,
    tif: o.tif,
    limit_price: formatPrice(spec, o.limit),
    size: formatSize(spec, o.size),
    filled_size: formatSize(spec, o.filled),
    filled_usd: formatQuote(o.filled_quote),
    fee_usd: formatQuote(o.fee),
    status: o.status,
    reject_reason: o.reject_reason ?? null,
    created_ms: o.created_ms,
    fills: o.fills.map((f) => ({ trade_id: f.trade_id, price: formatPrice(spec, f.price), size: formatSize(spec, f.size), fee_usd: formatQuote(f.fee), ts_ms: f.ts_ms })),
  };
}

/** Every order the matching engine took and every transaction the Solana RPC received, oldest first. */
export function ordersReport(engine: MatchingEngine, chain: SolanaChain, model: MarketModel, venue?: string): { orders: OrderView[]; transactions: (TxReceipt & { venue: 'solana' })[] } {
  const cex = CEX_VENUES.filter((v) => venue === undefined || v === venue);
  const orders = cex.flatMap((v) => engine.allOrders(v).map((o) => orderView(o, model))).sort((a, b) => a.created_ms - b.created_ms);
  const transactions = venue === undefined || venue === 'solana' ? chain.allReceipts().map((r) => ({ venue: 'solana' as const, ...r })) : [];
  return { orders, transactions };
}
