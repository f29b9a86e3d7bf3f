/**
 * Gemini wire → domain, pure. Book levels go into a `LevelSink` as float64; order amounts stay exact
 * decimal strings.
 */
import type { LevelSink } from '../../../shared/book/book.ts';
import { ASK, BID } from '../../../shared/book/side.ts';
import { normalizeDecimal } from '../../../shared/decimal.ts';
import { GeminiError, geminiBadMessage, geminiBadResponse, geminiHttpError } from './errors.ts';
import {
  errorBodySchema,
  heartbeatSchema,
  isGeminiL2Updates,
  myTradeSchema,
  orderEventSchema,
  restOrderSchema,
  subscriptionAckSchema,
  tradeSchema,
  type GeminiL2Updates,
  type GeminiOrderEvent,
  type GeminiOrderEventType,
  type GeminiRestOrder,
  type GeminiTrade,
} from './wire.ts';

export type OrderState = 'pending' | 'open' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'unknown';

export interface OrderUpdate {
  venue: 'gemini';
  orderId: string;
  clientOrderId: string | undefined;
  symbol: string;
  side: 'buy' | 'sell';
  state: OrderState;
  terminal: boolean;
  filledSize: string;
  remainingSize: string | undefined;
  avgPrice: string | undefined;
  fees: string | undefined;
  reason: string | undefined;
}

export interface Fill {
  venue: 'gemini';
  tradeId: string;
  orderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  price: string;
  size: string;
  fee: string;
  feeCurrency: string;
  liquidity: 'maker' | 'taker' | undefined;
  timeMs: number;
}

/** Public trade (market data): float64, hot path. */
export interface Trade {
  symbol: string;
  tradeId: number;
  timeMs: number;
  price: number;
  size: number;
  /** Taker side. */
  side: 'buy' | 'sell';
}

/**
 * Feed an `l2_updates` message into a sink. The first `l2_updates` per symbol on a subscription is
 * the full book; only the feed knows which one is first, so it says so with `snapshot`.
 */
export function geminiL2ToSink(msg: GeminiL2Updates, sink: LevelSink, snapshot: boolean): number {
  const ch = msg.changes;
  sink.begin(msg.symbol, snapshot);
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i]!;
    const s = c[0];
    const side = s === 'buy' ? BID : s === 'sell' ? ASK : -1;
    const px = +c[1];
    const sz = +c[2];
    if (side < 0 || typeof c[1] !== 'string' || typeof c[2] !== 'string' || px !== px || sz !== sz) {
      throw geminiBadMessage('l2_updates change');
    }
    sink.level(side as 0 | 1, px, sz);
  }
  sink.end();
  return ch.length;
}

function toTrade(t: GeminiTrade): Trade {
  return { symbol: t.symbol, tradeId: t.tid, timeMs: t.timestamp, price: +t.price, size: +t.quantity, side: t.side };
}

export type GeminiMarketFrame =
  | { kind: 'l2'; l2: GeminiL2Updates }
  | { kind: 'trade'; trade: Trade }
  | { kind: 'heartbeat'; socketSequence: number | undefined }
  | { kind: 'error'; error: GeminiError };

/** Classify a v2 market-data frame. Unrecognised types fail loudly (`gemini.bad_message`). */
export function parseGeminiMarket(msg: unknown): GeminiMarketFrame {
  if (isGeminiL2Updates(msg)) return { kind: 'l2', l2: msg };
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  if (type === 'trade') {
    const r = tradeSchema.safeParse(msg);
    if (!r.success) throw geminiBadMessage('trade', r.error);
    return { kind: 'trade', trade: toTrade(r.data) };
  }
  if (type === 'heartbeat') {
    // v2 heartbeats are not documented [U]; accept the v1 shape and a bare one.
    const seq = (msg as { socket_sequence?: unknown }).socket_sequence;
    return { kind: 'heartbeat', socketSequence: typeof seq === 'number' ? seq : undefined };
  }
  const e = errorBodySchema.safeParse(msg);
  if (e.success) {
    return {
      kind: 'error',
      error: new GeminiError('gemini.bad_request', `Gemini market data error: ${e.data.reason}`, {
        retry: 'non-retryable',
        outcome: 'rejected',
        venueReason: e.data.reason,
      }),
    };
  }
  throw geminiBadMessage(`market frame (type ${JSON.stringify(type)})`);
}

/** The trades carried by an `l2_updates` message (the first one holds the last 50). */
export function parseGeminiL2Trades(msg: GeminiL2Updates): Trade[] {
  if (msg.trades === undefined) return [];
  return msg.trades.map((t) => {
    const r = tradeSchema.safeParse(t);
    if (!r.success) throw geminiBadMessage('l2_updates trade', r.error);
    return toTrade(r.data);
  });
}

const TERMINAL = new Set<OrderState>(['filled', 'cancelled', 'expired', 'rejected']);

/**
 * State from the order flags. An IOC remainder shows as `is_cancelled:true` even when part of it
 * filled: `filledSize` carries that, the state is still `cancelled`.
 */
function stateOf(o: { is_live: boolean; is_cancelled: boolean; remaining_amount?: string }, type?: GeminiOrderEventType): OrderState {
  if (type === 'rejected') return 'rejected';
  if (o.is_live) return 'open';
  if (o.is_cancelled) return 'cancelled';
  if (o.remaining_amount !== undefined && +o.remaining_amount === 0) return 'filled';
  // Not live, not cancelled, remaining unknown (market buy) or > 0 (e.g. `accepted` before booking).
  return type === 'closed' ? 'filled' : 'pending';
}

function optDec(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : normalizeDecimal(s);
}

function fromOrder(o: GeminiRestOrder | GeminiOrderEvent, type?: GeminiOrderEventType): OrderUpdate {
  const state = stateOf(o, type);
  return {
    venue: 'gemini',
    orderId: o.order_id,
    clientOrderId: o.client_order_id,
    symbol: o.symbol,
    side: o.side,
    state,
    terminal: TERMINAL.has(state),
    filledSize: optDec(o.executed_amount) ?? '0',
    remainingSize: optDec(o.remaining_amount),
    avgPrice: optDec(o.avg_execution_price),
    fees: undefined,
    reason: o.reason,
  };
}

export interface GeminiOrderEventDomain {
  type: GeminiOrderEventType;
  order: OrderUpdate;
  /** Present on `fill` events: this fill only (not cumulative). */
  fill: Fill | undefined;
}

export type GeminiOrderFrame =
  | { kind: 'ack'; subscriptionId: string | undefined }
  | { kind: 'heartbeat'; socketSequence: number; timestampMs: number | undefined }
  | { kind: 'orders'; socketSequence: number; events: GeminiOrderEventDomain[] };

/** `/v1/order/events` frame: ack and heartbeat are objects, order events a JSON array. */
export function parseGeminiOrderEvents(msg: unknown): GeminiOrderFrame {
  if (Array.isArray(msg)) {
    if (msg.length === 0) throw geminiBadMessage('order event batch (empty)');
    const events = msg.map((raw) => {
      const r = orderEventSchema.safeParse(raw);
      if (!r.success) throw geminiBadMessage('order event', r.error);
      const ev = r.data;
      const f = ev.fill;
      const fill: Fill | undefined =
        f === undefined
          ? undefined
          : {
              venue: 'gemini',
              tradeId: f.trade_id,
              orderId: ev.order_id,
              symbol: ev.symbol,
              side: ev.side,
              price: normalizeDecimal(f.price),
              size: normalizeDecimal(f.amount),
              fee: normalizeDecimal(f.fee),
              feeCurrency: f.fee_currency,
              liquidity: f.liquidity === 'Maker' ? 'maker' : f.liquidity === 'Taker' ? 'taker' : undefined,
              timeMs: ev.timestampms,
            };
      return { type: ev.type, order: fromOrder(ev, ev.type), fill, seq: ev.socket_sequence };
    });
    // One batch is one socket message; its elements share the message's socket_sequence.
    const seq = events[0]!.seq;
    if (events.some((e) => e.seq !== seq)) throw geminiBadMessage('order event batch (mixed socket_sequence)');
    return { kind: 'orders', socketSequence: seq, events: events.map(({ type, order, fill }) => ({ type, order, fill })) };
  }
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  if (type === 'heartbeat') {
    const r = heartbeatSchema.safeParse(msg);
    if (!r.success) throw geminiBadMessage('heartbeat', r.error);
    return { kind: 'heartbeat', socketSequence: r.data.socket_sequence, timestampMs: r.data.timestampms };
  }
  if (type === 'subscription_ack') {
    const r = subscriptionAckSchema.safeParse(msg);
    if (!r.success) throw geminiBadMessage('subscription_ack', r.error);
    return { kind: 'ack', subscriptionId: r.data.subscriptionId };
  }
  throw geminiBadMessage(`order events frame (type ${JSON.stringify(type)})`);
}

export type GeminiOrderResult = { ok: true; order: OrderUpdate } | { ok: false; error: GeminiError };

/**
 * `/v1/order/new`, `/v1/order/status`, `/v1/order/cancel`. The new-order response is the state right
 * after matching, so an IOC result is final. Errors classify by status and `reason`.
 */
export function parseGeminiOrder(status: number, body: unknown): GeminiOrderResult {
  if (status < 200 || status >= 300) return { ok: false, error: geminiHttpError(status, body) };
  const e = errorBodySchema.safeParse(body);
  if (e.success) return { ok: false, error: geminiHttpError(400, body) };
  const r = restOrderSchema.safeParse(body);
  if (!r.success) return { ok: false, error: geminiBadResponse('order', r.error, status) };
  return { ok: true, order: fromOrder(r.data) };
}

/** `/v1/mytrades` → fills. */
export function parseGeminiMyTrades(body: unknown, symbol: string): Fill[] {
  if (!Array.isArray(body)) throw geminiBadResponse('mytrades');
  return body.map((raw) => {
    const r = myTradeSchema.safeParse(raw);
    if (!r.success) throw geminiBadResponse('mytrades', r.error);
    const t = r.data;
    return {
      venue: 'gemini',
      tradeId: String(t.tid),
      orderId: t.order_id,
      symbol: t.symbol ?? symbol,
      side: t.type === 'Buy' ? 'buy' : 'sell',
      price: normalizeDecimal(t.price),
      size: normalizeDecimal(t.amount),
      fee: normalizeDecimal(t.fee_amount),
      feeCurrency: t.fee_currency,
      liquidity: t.aggressor ? 'taker' : 'maker',
      timeMs: t.timestampms,
    };
  });
}
