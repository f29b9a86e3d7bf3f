import { describe, expect, it } from 'vitest';
import {
  coinbaseL2ToSink,
  parseCoinbaseBatchCancel,
  parseCoinbaseCreateOrder,
  parseCoinbaseFills,
  parseCoinbaseHeartbeats,
  parseCoinbaseOrder,
  parseCoinbaseSubscriptions,
  parseCoinbaseUser,
  readCoinbaseWs,
} from '../../../../src/actors/venues/coinbase/parse.ts';
import { coinbaseTransportError } from '../../../../src/actors/venues/coinbase/errors.ts';
import type { CoinbaseWsEnvelope } from '../../../../src/actors/venues/coinbase/wire.ts';
import { BookSet, OrderBook } from '../../../../src/shared/book/index.ts';
import { fixture } from './fixtures.ts';
import { codeOf } from '../../../helpers/errors.ts';

const envelope = fixture('ws_l2_data_envelope.json') as CoinbaseWsEnvelope;

describe('Coinbase WS frames', () => {
  it('reads the documented envelope and rejects the error frame with coinbase.ws_error', () => {
    expect(readCoinbaseWs(envelope).sequence_num).toBe(0);
    expect(codeOf(() => readCoinbaseWs(fixture('ws_error.json')))).toBe('coinbase.ws_error');
    expect(codeOf(() => readCoinbaseWs({ channel: 'l2_data' }))).toBe('coinbase.bad_message');
  });

  it('applies the documented l2_data snapshot (bid/offer) to a book', () => {
    const env = readCoinbaseWs(fixture('ws_l2_data_snapshot.json'));
    expect(env.sequence_num).toBe(1);
    const set = new BookSet(['BTC-USD']);
    set.startMessage();
    expect(coinbaseL2ToSink(env, set)).toBe(2);
    const book = set.get('BTC-USD')!;
    expect(book.bestBid()).toBe(21921.73);
    expect(book.bids.bestSize()).toBe(0.06317902);
    expect(book.bestAsk()).toBe(21922.1);
    expect(book.asks.bestSize()).toBe(0.5);
    expect(set.touched).toEqual(['BTC-USD']);
  });

  it('applies updates (absolute sizes; "0.00000000" deletes) after the snapshot', () => {
    const book = new OrderBook();
    coinbaseL2ToSink(readCoinbaseWs(fixture('ws_l2_data_snapshot.json')), book);
    // No documented update payload exists in the reference; this one is the documented snapshot with
    // `type:"update"` and the quantities the reference describes ("0.00000000" deletes).
    const update = fixture('ws_l2_data_snapshot.json') as { events: { type: string; updates: { new_quantity: string }[] }[] };
    update.events[0]!.type = 'update';
    update.events[0]!.updates[0]!.new_quantity = '1.5';
    update.events[0]!.updates[1]!.new_quantity = '0.00000000';
    coinbaseL2ToSink(readCoinbaseWs(update), book);
    expect(book.bids.bestSize()).toBe(1.5);
    expect(book.asks.count).toBe(0);
  });

  it('rejects an "ask" side (only bid/offer exist) and non-numeric levels', () => {
    const bad = fixture('ws_l2_data_snapshot.json') as { events: { updates: { side: string; price_level: string }[] }[] };
    bad.events[0]!.updates[1]!.side = 'ask';
    expect(codeOf(() => coinbaseL2ToSink(readCoinbaseWs(bad), new OrderBook()))).toBe('coinbase.bad_message');
    const bad2 = fixture('ws_l2_data_snapshot.json') as { events: { updates: { price_level: string }[] }[] };
    bad2.events[0]!.updates[0]!.price_level = 'x';
    expect(codeOf(() => coinbaseL2ToSink(readCoinbaseWs(bad2), new OrderBook()))).toBe('coinbase.bad_message');
  });

  it('parses heartbeats and subscription acks', () => {
    const hb = parseCoinbaseHeartbeats({ ...envelope, channel: 'heartbeats', events: [fixture('ws_heartbeats_event.json')] });
    expect(hb).toEqual({ counter: 3049, currentTime: '2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105' });
    const subs = parseCoinbaseSubscriptions({ ...envelope, channel: 'subscriptions', events: [fixture('ws_subscriptions_event.json')] });
    expect(subs).toEqual({ level2: ['BTC-USD'], heartbeats: ['heartbeats'] });
    expect(codeOf(() => parseCoinbaseHeartbeats({ ...envelope, events: [{ heartbeat_counter: '1' }] }))).toBe('coinbase.bad_message');
  });

  it('parses user channel order updates (built from the asyncapi field list: no documented example)', () => {
    const order = {
      order_id: 'o-1',
      client_order_id: 'c-1',
      cumulative_quantity: '0.00100000',
      leaves_quantity: '0',
      avg_price: '50000.00',
      total_fees: '0.40',
      status: 'FILLED',
      product_id: 'BTC-USD',
      creation_time: '2024-01-01T00:00:00Z',
      order_side: 'BUY',
      order_type: 'Limit',
      cancel_reason: '',
      reject_reason: '',
    };
    const events = parseCoinbaseUser({ ...envelope, channel: 'user', events: [{ type: 'update', orders: [order] }] });
    expect(events).toEqual([
      {
        snapshot: false,
        orders: [
          {
            venue: 'coinbase',
            orderId: 'o-1',
            clientOrderId: 'c-1',
            symbol: 'BTC-USD',
            side: 'buy',
            state: 'filled',
            terminal: true,
            filledSize: '0.001',
            remainingSize: '0',
            avgPrice: '50000',
            fees: '0.4',
            reason: undefined,
          },
        ],
      },
    ]);
    // Order state is strict: a status we do not know fails loudly instead of being guessed.
    expect(
      codeOf(() => parseCoinbaseUser({ ...envelope, channel: 'user', events: [{ type: 'update', orders: [{ ...order, status: 'NEW_THING' }] }] })),
    ).toBe('coinbase.bad_message');
  });
});

describe('Coinbase REST', () => {
  it('create order success', () => {
    const r = parseCoinbaseCreateOrder(200, fixture('http_post_orders_success.json'));
    expect(r).toEqual({ ok: true, orderId: '11111-00000-000000', clientOrderId: '0000-00000-000000', productId: 'BTC-USD', side: 'buy' });
  });

  it('HTTP 200 with success:false IS a rejection', () => {
    const r = parseCoinbaseCreateOrder(200, fixture('http_post_orders_failure.json'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('coinbase.insufficient_funds');
    expect(r.error.outcome).toBe('rejected');
    expect(r.error.retry).toBe('non-retryable');
    expect(r.error.venueReason).toBe('INSUFFICIENT_FUND');
  });

  it('non-2xx: 4xx rejected, 5xx/timeouts unknown, unreadable 200 unknown', () => {
    const body = fixture('http_post_orders_non2xx.json');
    const e401 = parseCoinbaseCreateOrder(401, body);
    expect(!e401.ok && [e401.error.code, e401.error.outcome]).toEqual(['coinbase.auth', 'rejected']);
    const e429 = parseCoinbaseCreateOrder(429, body);
    expect(!e429.ok && [e429.error.code, e429.error.retry, e429.error.outcome]).toEqual(['coinbase.rate_limited', 'retryable', 'rejected']);
    const e503 = parseCoinbaseCreateOrder(503, body);
    expect(!e503.ok && [e503.error.code, e503.error.outcome]).toEqual(['coinbase.server', 'unknown']);
    const garbled = parseCoinbaseCreateOrder(200, { hello: 1 });
    expect(!garbled.ok && [garbled.error.code, garbled.error.outcome]).toEqual(['coinbase.bad_response', 'unknown']);
    const t = coinbaseTransportError(new Error('ETIMEDOUT'), true);
    expect([t.code, t.outcome, t.retry]).toEqual(['coinbase.timeout', 'unknown', 'retryable']);
  });

  it('batch cancel', () => {
    expect(parseCoinbaseBatchCancel(200, fixture('http_post_orders_batch_cancel.json'))).toEqual([
      { orderId: '…', ok: true, reason: undefined },
    ]);
  });

  it('get order and fills (built from the reference field lists: no documented example)', () => {
    const o = parseCoinbaseOrder({
      order: {
        order_id: 'o-2',
        product_id: 'SOL-USDC',
        side: 'SELL',
        client_order_id: 'c-2',
        status: 'CANCELLED',
        filled_size: '0.50',
        average_filled_price: '150.125',
        total_fees: '0.1',
        order_type: 'LIMIT',
        reject_reason: '',
      },
    });
    expect([o.state, o.terminal, o.filledSize, o.avgPrice, o.side]).toEqual(['cancelled', true, '0.5', '150.125', 'sell']);
    const f = parseCoinbaseFills({
      fills: [
        {
          entry_id: 'e',
          trade_id: 't',
          order_id: 'o-2',
          trade_time: '2024-01-01T00:00:00Z',
          trade_type: 'FILL',
          price: '150.10',
          size: '0.25',
          commission: '0.0300',
          product_id: 'SOL-USDC',
          liquidity_indicator: 'TAKER',
          side: 'SELL',
        },
      ],
      cursor: '',
    });
    expect(f.cursor).toBeUndefined();
    expect(f.fills[0]).toMatchObject({ price: '150.1', size: '0.25', fee: '0.03', liquidity: 'taker', side: 'sell' });
    expect(codeOf(() => parseCoinbaseFills({ fills: [{}] }))).toBe('coinbase.bad_response');
  });
});
