/**
 * Bitstamp wire → domain, pure. Book levels go into a `LevelSink` as float64; order amounts stay
 * exact decimal strings.
 */
import type { LevelSink } from '../../../shared/book/book.ts';
import { ASK, BID, type Side } from '../../../shared/book/side.ts';
import { decAdd, decParse, decToString, normalizeDecimal } from '../../../shared/decimal.ts';
import {
  BitstampError,
  bitstampBadMessage,
  bitstampBadResponse,
  bitstampHttpError,
  isBitstampErrorBody,
} from './errors.ts';
import { parseBitstampChannel } from './symbols.ts';
import {
  cancelResponseSchema,
  isBitstampBookData,
  isBitstampWsFrame,
  liveTradeSchema,
  orderResponseSchema,
  orderStatusResponseSchema,
  wsErrorDataSchema,
  wsOrderSchema,
  type BitstampBookData,
} from './wire.ts';

export type OrderState = 'pending' | 'open' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'unknown';

export interface OrderUpdate {
  venue: 'bitstamp';
  orderId: string;
  clientOrderId: string | undefined;
  symbol: string;
  side: 'buy' | 'sell' | undefined;
  state: OrderState;
  terminal: boolean;
  filledSize: string;
  remainingSize: string | undefined;
  avgPrice: string | undefined;
  fees: string | undefined;
  reason: string | undefined;
}

export interface Fill {
  venue: 'bitstamp';
  tradeId: string;
  orderId: string;
  symbol: string;
  price: string;
  size: string;
  fee: string;
  time: string;
}

/** Public trade (market data): float64. */
export interface Trade {
  symbol: string;
  tradeId: number;
  timeUs: number;
  price: number;
  size: number;
  side: 'buy' | 'sell';
}

export interface WsOrderEvent {
  event: 'order_created' | 'order_changed' | 'order_deleted';
  orderId: string;
  clientOrderId: string | undefined;
  side: 'buy' | 'sell';
  price: string;
  amount: string;
  timeUs: number;
}

export type BitstampFrame =
  /** `snapshot`: `order_book_*`/`detail_order_book_*` replace the book; `diff_order_book_*` does not. */
  | { kind: 'book'; pair: string; snapshot: boolean; data: BitstampBookData }
  | { kind: 'trade'; pair: string; trade: Trade }
  | { kind: 'order'; pair: string; order: WsOrderEvent }
  | { kind: 'subscribed'; channel: string }
  | { kind: 'unsubscribed'; channel: string }
  | { kind: 'heartbeat' }
  /** Server maintenance: reconnect within seconds, resubscribe, fetch a new private token. */
  | { kind: 'reconnect' }
  | { kind: 'error'; error: BitstampError };

export function parseBitstampWs(msg: unknown): BitstampFrame {
  if (!isBitstampWsFrame(msg)) throw bitstampBadMessage('frame');
  const { event, channel, data } = msg;
  switch (event) {
    case 'data': {
      const ch = parseBitstampChannel(channel);
      if (ch.kind !== 'order_book' && ch.kind !== 'diff_order_book' && ch.kind !== 'detail_order_book') {
        throw bitstampBadMessage(`data frame on ${channel}`);
      }
      if (!isBitstampBookData(data)) throw bitstampBadMessage('book data');
      return { kind: 'book', pair: ch.pair, snapshot: ch.kind !== 'diff_order_book', data };
    }
    case 'trade': {
      const r = liveTradeSchema.safeParse(data);
      if (!r.success) throw bitstampBadMessage('trade', r.error);
      const t = r.data;
      return {
        kind: 'trade',
        pair: parseBitstampChannel(channel).pair,
        trade: { symbol: parseBitstampChannel(channel).pair, tradeId: t.id, timeUs: +t.microtimestamp, price: +t.price_str, size: +t.amount_str, side: t.type === 0 ? 'buy' : 'sell' },
      };
    }
    case 'order_created':
    case 'order_changed':
    case 'order_deleted': {
      const r = wsOrderSchema.safeParse(data);
      if (!r.success) throw bitstampBadMessage('order event', r.error);
      const o = r.data;
      return {
        kind: 'order',
        pair: parseBitstampChannel(channel).pair,
        order: {
          event,
          orderId: o.id_str ?? String(o.id),
          clientOrderId: o.client_order_id === '' ? undefined : o.client_order_id,
          side: o.order_type === 0 ? 'buy' : 'sell',
          price: normalizeDecimal(o.price_str),
          amount: normalizeDecimal(o.amount_str),
          timeUs: +o.microtimestamp,
        },
      };
    }
    case 'bts:subscription_succeeded':
      return { kind: 'subscribed', channel };
    case 'bts:unsubscription_succeeded':
      return { kind: 'unsubscribed', channel };
    case 'bts:heartbeat':
      return { kind: 'heartbeat' };
    case 'bts:request_reconnect':
      return { kind: 'reconnect' };
    case 'bts:error': {
      const r = wsErrorDataSchema.safeParse(data);
      const message = r.success ? r.data.message : 'unreadable error';
      const code = r.success && typeof r.data.code === 'number' ? String(r.data.code) : undefined;
      return {
        kind: 'error',
        error: new BitstampError('bitstamp.ws_error', `Bitstamp WS error${code ? ` ${code}` : ''}: ${message}`, {
          retry: 'retryable',
          outcome: 'unknown',
          venueReason: code ?? message,
        }),
      };
    }
    default:
      throw bitstampBadMessage(`event ${JSON.stringify(event)}`);
  }
}

function levelsToSink(levels: string[][], side: Side, sink: LevelSink): void {
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    const p = l[0];
    const q = l[1];
    const px = +(p as string);
    const sz = +(q as string);
    if (typeof p !== 'string' || typeof q !== 'string' || px !== px || sz !== sz) throw bitstampBadMessage('book level');
    sink.level(side, px, sz);
  }
}

/**
 * Book data (WS `order_book_*`, `diff_order_book_*`, or REST `/order_book/{pair}/`) into a sink.
 * Returns the data's `microtimestamp` (µs), the only ordering key Bitstamp gives: a diff at or
 * before the REST snapshot's microtimestamp is already contained in it.
 */
export function bitstampBookToSink(symbol: string, data: BitstampBookData, snapshot: boolean, sink: LevelSink): number {
  sink.begin(symbol, snapshot);
  levelsToSink(data.bids, BID, sink);
  levelsToSink(data.asks, ASK, sink);
  sink.end();
  return +data.microtimestamp;
}

/** REST `GET /api/v2/order_book/{pair}/`: same shape as the WS snapshot data. */
export function parseBitstampOrderBook(body: unknown): BitstampBookData {
  if (!isBitstampBookData(body)) throw bitstampBadResponse('order_book');
  return body;
}

export type BitstampPlaceResult =
  | { ok: true; orderId: string; clientOrderId: string | undefined; side: 'buy' | 'sell'; price: string; amount: string; market: string | undefined }
  | { ok: false; error: BitstampError };

/**
 * POST `/buy|sell/{market}/`. The response carries no fill information: for an IOC, follow with
 * `order_status`. An error body is a rejection whatever the HTTP status, except a 5xx.
 */
export function parseBitstampOrder(status: number, body: unknown): BitstampPlaceResult {
  if (status < 200 || status >= 300 || isBitstampErrorBody(body)) return { ok: false, error: bitstampHttpError(status, body) };
  const r = orderResponseSchema.safeParse(body);
  if (!r.success) return { ok: false, error: bitstampBadResponse('order', r.error, status) };
  const o = r.data;
  return {
    ok: true,
    orderId: o.id,
    clientOrderId: o.client_order_id,
    side: String(o.type) === '0' ? 'buy' : 'sell',
    price: normalizeDecimal(o.price),
    amount: normalizeDecimal(o.amount),
    market: o.market ?? o.currency_pair,
  };
}

const STATUS: Record<string, OrderState> = {
  Open: 'open',
  'Cancel pending': 'open',
  Finished: 'filled',
  Canceled: 'cancelled',
  Expired: 'expired',
};

/**
 * POST `/order_status/`. Executed size is the sum of the transactions' base-currency amounts; the
 * transaction keys are named after the currencies (`"btc"`), so the base comes from `market`
 * ("BTC/USD") or the caller. A cancelled IOC with fills keeps state `cancelled` and a non-zero fill.
 */
export function parseBitstampOrderStatus(status: number, body: unknown, baseCurrency?: string): { order: OrderUpdate; fills: Fill[] } {
  if (status < 200 || status >= 300 || isBitstampErrorBody(body)) throw bitstampHttpError(status, body);
  const r = orderStatusResponseSchema.safeParse(body);
  if (!r.success) throw bitstampBadResponse('order_status', r.error, status);
  const o = r.data;
  const base = (baseCurrency ?? o.market?.split('/')[0] ?? '').toLowerCase();
  let filled = decParse('0');
  let fees = decParse('0');
  const fills: Fill[] = [];
  for (const t of o.transactions) {
    const amt = (t as Record<string, unknown>)[base];
    if (typeof amt !== 'string') throw bitstampBadResponse(`order_status transaction (no "${base}" amount)`);
    filled = decAdd(filled, decParse(amt));
    fees = decAdd(fees, decParse(t.fee));
    fills.push({
      venue: 'bitstamp',
      tradeId: t.tid,
      orderId: o.id,
      symbol: o.market ?? '',
      price: normalizeDecimal(t.price),
      size: normalizeDecimal(amt),
      fee: normalizeDecimal(t.fee),
      time: t.datetime,
    });
  }
  const state = STATUS[o.status]!;
  const type = o.type === undefined ? undefined : String(o.type);
  return {
    order: {
      venue: 'bitstamp',
      orderId: o.id,
      clientOrderId: o.client_order_id,
      symbol: o.market ?? '',
      side: type === '0' ? 'buy' : type === '1' ? 'sell' : undefined,
      state,
      terminal: state === 'filled' || state === 'cancelled' || state === 'expired',
      filledSize: decToString(filled),
      remainingSize: o.amount_remaining === undefined ? undefined : normalizeDecimal(o.amount_remaining),
      avgPrice: undefined,
      fees: decToString(fees),
      reason: undefined,
    },
    fills,
  };
}

/** POST `/cancel_order/` → the cancelled order's id. */
export function parseBitstampCancel(status: number, body: unknown): { ok: true; orderId: string } | { ok: false; error: BitstampError } {
  if (status < 200 || status >= 300 || isBitstampErrorBody(body)) return { ok: false, error: bitstampHttpError(status, body) };
  const r = cancelResponseSchema.safeParse(body);
  if (!r.success) return { ok: false, error: bitstampBadResponse('cancel_order', r.error, status) };
  return { ok: true, orderId: r.data.id };
}
