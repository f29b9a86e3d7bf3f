/**
 * Coinbase wire → domain, pure. Book levels go straight into a `LevelSink` as float64 (hot path);
 * order and fill amounts stay exact decimal strings (venue boundary, DESIGN §3).
 */
import type { LevelSink } from '../../../shared/book/book.ts';
import { ASK, BID } from '../../../shared/book/side.ts';
import { normalizeDecimal } from '../../../shared/decimal.ts';
import {
  CoinbaseError,
  coinbaseBadResponse,
  coinbaseHttpError,
  coinbaseOrderRejection,
} from './errors.ts';
import {
  batchCancelResponseSchema,
  createOrderResponseSchema,
  fillsResponseSchema,
  getOrderResponseSchema,
  heartbeatEventSchema,
  isCoinbaseL2Event,
  isCoinbaseWsEnvelope,
  isCoinbaseWsErrorFrame,
  subscriptionsEventSchema,
  userEventSchema,
  type CoinbaseFill,
  type CoinbaseHistoricalOrder,
  type CoinbaseOrderStatus,
  type CoinbaseUserOrder,
  type CoinbaseWsEnvelope,
} from './wire.ts';

/** Normalised order state; `terminal` states never change again. */
export type OrderState = 'pending' | 'open' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'unknown';

export interface OrderUpdate {
  venue: 'coinbase';
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  state: OrderState;
  terminal: boolean;
  /** Cumulative executed base size, exact. */
  filledSize: string;
  remainingSize: string | undefined;
  avgPrice: string | undefined;
  fees: string | undefined;
  reason: string | undefined;
}

export interface Fill {
  venue: 'coinbase';
  tradeId: string;
  orderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  price: string;
  size: string;
  fee: string;
  liquidity: 'maker' | 'taker' | undefined;
  time: string;
}

function badMessage(what: string, cause?: unknown): CoinbaseError {
  return new CoinbaseError('coinbase.bad_message', `Coinbase WS ${what} did not match the expected shape`, {
    cause,
    retry: 'fatal',
    outcome: 'unknown',
  });
}

/**
 * Validate a parsed WS frame. `{"type":"error"}` frames become a `coinbase.ws_error` (the subscription
 * failed: reconnect), anything unrecognised a `coinbase.bad_message`.
 */
export function readCoinbaseWs(msg: unknown): CoinbaseWsEnvelope {
  if (isCoinbaseWsEnvelope(msg)) return msg;
  if (isCoinbaseWsErrorFrame(msg)) {
    throw new CoinbaseError('coinbase.ws_error', `Coinbase WS error: ${msg.message}`, {
      retry: 'retryable',
      outcome: 'unknown',
      venueReason: msg.message,
    });
  }
  throw badMessage('frame');
}

/**
 * Feed an `l2_data` envelope into a sink: one `begin/end` group per event (product), a level per
 * update. Returns the number of levels. A snapshot event replaces the product's book.
 */
export function coinbaseL2ToSink(env: CoinbaseWsEnvelope, sink: LevelSink): number {
  const events = env.events;
  let n = 0;
  for (let e = 0; e < events.length; e++) {
    const ev = events[e];
    if (!isCoinbaseL2Event(ev)) throw badMessage('l2_data event');
    sink.begin(ev.product_id, ev.type === 'snapshot');
    const ups = ev.updates;
    for (let i = 0; i < ups.length; i++) {
      const u = ups[i]!;
      // `offer`, not `ask`: a parser that tests for "ask" silently drops every ask level.
      const side = u.side === 'bid' ? BID : u.side === 'offer' ? ASK : -1;
      const px = +u.price_level;
      const sz = +u.new_quantity;
      if (side < 0 || typeof u.price_level !== 'string' || typeof u.new_quantity !== 'string' || px !== px || sz !== sz) {
        throw badMessage('l2_data level');
      }
      sink.level(side as 0 | 1, px, sz);
    }
    sink.end();
    n += ups.length;
  }
  return n;
}

export interface CoinbaseHeartbeat {
  counter: number;
  currentTime: string;
}

export function parseCoinbaseHeartbeats(env: CoinbaseWsEnvelope): CoinbaseHeartbeat {
  const r = heartbeatEventSchema.safeParse(env.events[0]);
  if (!r.success) throw badMessage('heartbeats event', r.error);
  return { counter: r.data.heartbeat_counter, currentTime: r.data.current_time };
}

/** Subscription ack: channel → product ids currently subscribed on this socket. */
export function parseCoinbaseSubscriptions(env: CoinbaseWsEnvelope): Record<string, string[]> {
  const r = subscriptionsEventSchema.safeParse(env.events[0]);
  if (!r.success) throw badMessage('subscriptions event', r.error);
  return r.data.subscriptions;
}

const STATE: Record<CoinbaseOrderStatus, OrderState> = {
  PENDING: 'pending',
  QUEUED: 'pending',
  OPEN: 'open',
  CANCEL_QUEUED: 'open',
  EDIT_QUEUED: 'open',
  FILLED: 'filled',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
  FAILED: 'rejected',
  UNKNOWN_ORDER_STATUS: 'unknown',
};
const TERMINAL = new Set<OrderState>(['filled', 'cancelled', 'expired', 'rejected']);

function optDec(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : normalizeDecimal(s);
}

function nonEmpty(s: string | undefined | null): string | undefined {
  return s === undefined || s === null || s === '' ? undefined : s;
}

function fromUserOrder(o: CoinbaseUserOrder): OrderUpdate {
  const state = STATE[o.status];
  return {
    venue: 'coinbase',
    orderId: o.order_id,
    clientOrderId: o.client_order_id,
    symbol: o.product_id,
    side: o.order_side === 'BUY' ? 'buy' : 'sell',
    state,
    terminal: TERMINAL.has(state),
    filledSize: normalizeDecimal(o.cumulative_quantity),
    remainingSize: optDec(o.leaves_quantity),
    avgPrice: optDec(o.avg_price),
    fees: optDec(o.total_fees),
    reason: nonEmpty(o.reject_reason) ?? nonEmpty(o.cancel_reason),
  };
}

export interface CoinbaseUserEvent {
  /** Snapshot events list open orders at subscribe (batches of 50); never derive fills from them. */
  snapshot: boolean;
  orders: OrderUpdate[];
}

export function parseCoinbaseUser(env: CoinbaseWsEnvelope): CoinbaseUserEvent[] {
  return env.events.map((ev) => {
    const r = userEventSchema.safeParse(ev);
    if (!r.success) throw badMessage('user event', r.error);
    return { snapshot: r.data.type === 'snapshot', orders: r.data.orders.map(fromUserOrder) };
  });
}

export type CreateOrderResult =
  | { ok: true; orderId: string; clientOrderId: string | undefined; productId: string | undefined; side: 'buy' | 'sell' | undefined }
  | { ok: false; error: CoinbaseError };

/**
 * POST /orders. HTTP 200 + `success:false` is a definitive rejection; non-2xx is classified by
 * status (5xx → unknown); a 2xx body we cannot read is an unknown outcome, never a rejection.
 */
export function parseCoinbaseCreateOrder(status: number, body: unknown): CreateOrderResult {
  if (status < 200 || status >= 300) return { ok: false, error: coinbaseHttpError(status, body) };
  const r = createOrderResponseSchema.safeParse(body);
  if (!r.success) return { ok: false, error: coinbaseBadResponse('create order', r.error, status) };
  const d = r.data;
  if (!d.success) return { ok: false, error: coinbaseOrderRejection(d.error_response, status) };
  const s = d.success_response;
  return {
    ok: true,
    orderId: s.order_id,
    clientOrderId: s.client_order_id,
    productId: s.product_id,
    side: s.side === undefined ? undefined : s.side === 'BUY' ? 'buy' : 'sell',
  };
}

function fromHistorical(o: CoinbaseHistoricalOrder): OrderUpdate {
  const state = STATE[o.status];
  return {
    venue: 'coinbase',
    orderId: o.order_id,
    clientOrderId: o.client_order_id,
    symbol: o.product_id,
    side: o.side === 'BUY' ? 'buy' : 'sell',
    state,
    terminal: TERMINAL.has(state),
    filledSize: optDec(o.filled_size) ?? '0',
    remainingSize: undefined,
    avgPrice: optDec(o.average_filled_price),
    fees: optDec(o.total_fees),
    reason: nonEmpty(o.reject_reason) ?? nonEmpty(o.reject_message) ?? nonEmpty(o.cancel_message),
  };
}

/** GET /orders/historical/{order_id} → `{"order":{…}}`. */
export function parseCoinbaseOrder(body: unknown): OrderUpdate {
  const r = getOrderResponseSchema.safeParse(body);
  if (!r.success) throw coinbaseBadResponse('get order', r.error);
  return fromHistorical(r.data.order);
}

function fromFill(f: CoinbaseFill): Fill {
  const liq = f.liquidity_indicator;
  return {
    venue: 'coinbase',
    tradeId: f.trade_id,
    orderId: f.order_id,
    symbol: f.product_id,
    side: f.side === 'BUY' ? 'buy' : 'sell',
    price: normalizeDecimal(f.price),
    size: normalizeDecimal(f.size),
    fee: normalizeDecimal(f.commission),
    liquidity: liq === 'MAKER' ? 'maker' : liq === 'TAKER' ? 'taker' : undefined,
    time: f.trade_time,
  };
}

/** GET /orders/historical/fills → fills and the pagination cursor ("" or absent = last page). */
export function parseCoinbaseFills(body: unknown): { fills: Fill[]; cursor: string | undefined } {
  const r = fillsResponseSchema.safeParse(body);
  if (!r.success) throw coinbaseBadResponse('fills', r.error);
  return { fills: r.data.fills.map(fromFill), cursor: nonEmpty(r.data.cursor) };
}

export interface CancelResult {
  orderId: string;
  ok: boolean;
  /** Venue reason when `ok` is false (e.g. the order was already done). */
  reason: string | undefined;
}

/** POST /orders/batch_cancel → one result per order id. */
export function parseCoinbaseBatchCancel(status: number, body: unknown): CancelResult[] {
  if (status < 200 || status >= 300) throw coinbaseHttpError(status, body);
  const r = batchCancelResponseSchema.safeParse(body);
  if (!r.success) throw coinbaseBadResponse('batch cancel', r.error, status);
  return r.data.results.map((x) => ({
    orderId: x.order_id,
    ok: x.success,
    reason: x.success ? undefined : nonEmpty(x.failure_reason),
  }));
}
