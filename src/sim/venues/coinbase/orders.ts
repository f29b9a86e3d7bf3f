import { type Asset, formatPrice, formatSize } from '../../market/assets.ts';
import type { MarketModel } from '../../market/model.ts';
import { avgPrice, formatQuote, type SimOrder } from '../../matching/engine.ts';
import { rfc3339Nanos } from '../time.ts';
import { productId } from './wire.ts';

export const CB_USER_ID = 'cambist-sim-user';
export const CB_PORTFOLIO = 'cambist-sim-portfolio';

/** Deterministic UUID-shaped order ids (Coinbase order ids are UUIDs). */
export function cbOrderId(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${h}`;
}

function cbStatus(o: SimOrder): string {
  return o.status === 'REJECTED' ? 'FAILED' : o.status;
}

function configOf(o: SimOrder, model: MarketModel): Record<string, unknown> {
  const spec = model.spec(o.asset);
  const v = { base_size: formatSize(spec, o.size), limit_price: formatPrice(spec, o.limit) };
  return o.tif === 'ioc' ? { sor_limit_ioc: v } : { limit_limit_fok: v };
}

function values(o: SimOrder): { filled_value: string; total_fees: string; after_fees: string } {
  const after = o.side === 'buy' ? o.filled_quote + o.fee : o.filled_quote - o.fee;
  return { filled_value: trim(formatQuote(o.filled_quote)), total_fees: trim(formatQuote(o.fee)), after_fees: trim(formatQuote(after)) };
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** `GET /orders/historical/{id}` order object. */
export function restOrder(o: SimOrder, model: MarketModel): Record<string, unknown> {
  const spec = model.spec(o.asset);
  const v = values(o);
  const last = o.fills.at(-1);
  return {
    order_id: o.id,
    product_id: productId(o.asset),
    user_id: CB_USER_ID,
    order_configuration: configOf(o, model),
    side: o.side.toUpperCase(),
    client_order_id: o.client_order_id,
    status: cbStatus(o),
    time_in_force: o.tif === 'ioc' ? 'IMMEDIATE_OR_CANCEL' : 'FILL_OR_KILL',
    created_time: rfc3339Nanos(o.created_ms),
    completion_percentage: ((o.filled / o.size) * 100).toFixed(2),
    filled_size: formatSize(spec, o.filled),
    average_filled_price: avgPrice(o, spec.price_decimals),
    number_of_fills: o.fills.length.toString(),
    filled_value: v.filled_value,
    pending_cancel: false,
    size_in_quote: false,
    total_fees: v.total_fees,
    size_inclusive_of_fees: false,
    total_value_after_fees: v.after_fees,
    trigger_status: 'INVALID_ORDER_TYPE',
    order_type: 'LIMIT',
    reject_reason: o.status === 'REJECTED' ? 'REJECT_REASON_UNSPECIFIED' : '',
    settled: true,
    product_type: 'SPOT',
    reject_message: o.reject_reason ?? '',
    cancel_message: o.status === 'CANCELLED' ? 'Order expired/cancelled: immediate-or-cancel remainder' : '',
    order_placement_source: 'RETAIL_ADVANCED',
    outstanding_hold_amount: '0',
    is_liquidation: false,
    last_fill_time: last === undefined ? null : rfc3339Nanos(last.ts_ms),
    edit_history: [],
    leverage: '',
    margin_type: 'UNKNOWN_MARGIN_TYPE',
    retail_portfolio_id: CB_PORTFOLIO,
  };
}

/** `GET /orders/historical/fills` entries. */
export function restFills(o: SimOrder, model: MarketModel): Record<string, unknown>[] {
  const spec = model.spec(o.asset);
  return o.fills.map((f) => ({
    entry_id: `${o.id}-${f.trade_id}`,
    trade_id: `t-${f.trade_id}`,
    order_id: o.id,
    trade_time: rfc3339Nanos(f.ts_ms),
    trade_type: 'FILL',
    price: formatPrice(spec, f.price),
    size: formatSize(spec, f.size),
    commission: trim(formatQuote(f.fee)),
    product_id: productId(o.asset),
    sequence_timestamp: rfc3339Nanos(f.ts_ms),
    liquidity_indicator: 'TAKER',
    size_in_quote: false,
    user_id: CB_USER_ID,
    side: o.side.toUpperCase(),
    retail_portfolio_id: CB_PORTFOLIO,
  }));
}

/** `user` channel order element (Title-case order_type, cumulative quantities only). */
export function userOrder(o: SimOrder, model: MarketModel): Record<string, unknown> {
  const spec = model.spec(o.asset);
  const v = values(o);
  return {
    order_id: o.id,
    client_order_id: o.client_order_id,
    cumulative_quantity: formatSize(spec, o.filled),
    leaves_quantity: '0',
    avg_price: avgPrice(o, spec.price_decimals),
    total_fees: v.total_fees,
    status: cbStatus(o),
    product_id: productId(o.asset),
    creation_time: rfc3339Nanos(o.created_ms),
    order_side: o.side.toUpperCase(),
    order_type: 'Limit',
    cancel_reason: o.status === 'CANCELLED' ? 'IOC remainder' : '',
    reject_reason: o.reject_reason ?? '',
    total_value_after_fees: v.after_fees,
    time_in_force: o.tif === 'ioc' ? 'IMMEDIATE_OR_CANCEL' : 'FILL_OR_KILL',
    trigger_status: 'INVALID_ORDER_TYPE',
    product_type: 'SPOT',
    contract_expiry_type: 'UNKNOWN_CONTRACT_EXPIRY_TYPE',
    risk_managed_by: 'UNKNOWN_RISK_MANAGEMENT_TYPE',
    limit_price: formatPrice(spec, o.limit),
    stop_price: '',
    post_only: false,
    number_of_fills: o.fills.length.toString(),
    filled_value: v.filled_value,
    outstanding_hold_amount: '0',
    completion_percentage: ((o.filled / o.size) * 100).toFixed(2),
    retail_portfolio_id: CB_PORTFOLIO,
    start_time: '',
    end_time: '',
  };
}

export function assetOfProduct(p: string): Asset | undefined {
  const m = /^([A-Z]+)-USDC?$/.exec(p);
  return m?.[1] as Asset | undefined;
}
