import { describe, expect, it } from 'vitest';
import { geminiHttpError, geminiTransportError } from '../../../../src/actors/venues/gemini/errors.ts';
import {
  geminiL2ToSink,
  parseGeminiL2Trades,
  parseGeminiMarket,
  parseGeminiMyTrades,
  parseGeminiOrder,
  parseGeminiOrderEvents,
} from '../../../../src/actors/venues/gemini/parse.ts';
import { OrderBook } from '../../../../src/shared/book/index.ts';
import { fixture } from './fixtures.ts';
import { codeOf } from '../../../helpers/errors.ts';

describe('Gemini v2 market data', () => {
  it('initial l2_updates → full book, plus its trades', () => {
    const f = parseGeminiMarket(fixture('ws_l2_updates_initial.json'));
    expect(f.kind).toBe('l2');
    if (f.kind !== 'l2') return;
    const book = new OrderBook();
    book.apply(0, 1, 1); // stale level: the snapshot must clear it
    expect(geminiL2ToSink(f.l2, book, true)).toBe(2);
    expect([book.bestBid(), book.bids.bestSize(), book.bestAsk(), book.asks.bestSize()]).toEqual([9122.04, 0.00121425, 9122.07, 0.98942292]);
    expect(book.bids.count).toBe(1);
    expect(parseGeminiL2Trades(f.l2)).toEqual([
      { symbol: 'BTCUSD', tradeId: 2840140800042677, timeMs: 1560976400428, price: 9122.04, size: 0.0073173, side: 'sell' },
    ]);
  });

  it('later l2_updates apply absolute sizes; "0" removes', () => {
    const book = new OrderBook();
    const init = parseGeminiMarket(fixture('ws_l2_updates_initial.json'));
    if (init.kind === 'l2') geminiL2ToSink(init.l2, book, true);
    const up = parseGeminiMarket(fixture('ws_l2_updates.json'));
    if (up.kind !== 'l2') throw new Error('expected l2');
    geminiL2ToSink(up.l2, book, false);
    expect(book.asks.count).toBe(2);
    expect(book.asks.sizeOf(9160.2)).toBe(0.1921229751);
    geminiL2ToSink({ type: 'l2_updates', symbol: 'BTCUSD', changes: [['sell', '9160.20', '0']] }, book, false);
    expect(book.asks.count).toBe(1);
    expect(codeOf(() => geminiL2ToSink({ type: 'l2_updates', symbol: 'BTCUSD', changes: [['ask', '1', '1']] }, book, false))).toBe(
      'gemini.bad_message',
    );
  });

  it('trade, heartbeat and error frames', () => {
    const t = parseGeminiMarket(fixture('ws_trade.json'));
    expect(t).toEqual({ kind: 'trade', trade: { symbol: 'BTCUSD', tradeId: 2840140800042677, timeMs: 1560976400428, price: 9122.04, size: 0.0073173, side: 'sell' } });
    expect(parseGeminiMarket(fixture('ws_v1_heartbeat.json'))).toEqual({ kind: 'heartbeat', socketSequence: 7 });
    const e = parseGeminiMarket(fixture('ws_market_error.json'));
    expect(e.kind === 'error' && [e.error.code, e.error.venueReason]).toEqual(['gemini.bad_request', 'NoValidTradingPairs']);
    expect(codeOf(() => parseGeminiMarket({ type: 'mystery' }))).toBe('gemini.bad_message');
  });
});

describe('Gemini order events', () => {
  it('ack and heartbeat are objects', () => {
    expect(parseGeminiOrderEvents(fixture('ws_order_events_subscription_ack.json'))).toEqual({
      kind: 'ack',
      subscriptionId: 'orderevents-websocket-25b3…',
    });
    expect(parseGeminiOrderEvents(fixture('ws_order_events_heartbeat.json'))).toEqual({
      kind: 'heartbeat',
      socketSequence: 7,
      timestampMs: 1659740268958,
    });
  });

  it('order events are arrays carrying socket_sequence', () => {
    const f = parseGeminiOrderEvents(fixture('ws_order_events_accepted.json'));
    expect(f.kind).toBe('orders');
    if (f.kind !== 'orders') return;
    expect(f.socketSequence).toBe(139);
    expect(f.events).toEqual([
      {
        type: 'accepted',
        fill: undefined,
        order: {
          venue: 'gemini',
          orderId: '134150423884',
          clientOrderId: '1659739406916',
          symbol: 'batbtc',
          side: 'sell',
          state: 'open',
          terminal: false,
          filledSize: '0',
          remainingSize: '1',
          avgPrice: '0',
          fees: undefined,
          reason: undefined,
        },
      },
    ]);
  });

  it('fill and cancelled events (built from the documented extra fields: no full example exists)', () => {
    const base = (fixture('ws_order_events_accepted.json') as Record<string, unknown>[])[0]!;
    const fill = {
      ...base,
      type: 'fill',
      socket_sequence: 140,
      executed_amount: '0.4',
      remaining_amount: '0.6',
      fill: { trade_id: 't1', liquidity: 'Taker', price: '1.00', amount: '0.4', fee: '0.001', fee_currency: 'BTC' },
    };
    const cancelled = { ...base, type: 'cancelled', socket_sequence: 140, is_live: false, is_cancelled: true, executed_amount: '0.4', remaining_amount: '0.6', reason: 'ImmediateOrCancelWouldPost' };
    const f = parseGeminiOrderEvents([fill, cancelled]);
    if (f.kind !== 'orders') throw new Error('expected orders');
    expect(f.events[0]!.fill).toMatchObject({ tradeId: 't1', price: '1', size: '0.4', fee: '0.001', liquidity: 'taker' });
    expect(f.events[1]!.order).toMatchObject({ state: 'cancelled', terminal: true, filledSize: '0.4', reason: 'ImmediateOrCancelWouldPost' });
    expect(codeOf(() => parseGeminiOrderEvents([fill, { ...cancelled, socket_sequence: 141 }]))).toBe('gemini.bad_message');
    expect(codeOf(() => parseGeminiOrderEvents([{ ...base, type: 'exploded' }]))).toBe('gemini.bad_message');
  });
});

describe('Gemini REST', () => {
  it('new order response: IOC fully executed → filled', () => {
    const r = parseGeminiOrder(200, fixture('http_post_order_new.json'));
    expect(r).toEqual({
      ok: true,
      order: {
        venue: 'gemini',
        orderId: '106027397702',
        clientOrderId: '1650398121695',
        symbol: 'etheur',
        side: 'sell',
        state: 'filled',
        terminal: true,
        filledSize: '0.014434',
        remainingSize: '0',
        avgPrice: '2877.48',
        fees: undefined,
        reason: undefined,
      },
    });
  });

  it('errors: InvalidNonce is a retryable rejection; 5xx and timeouts are unknown', () => {
    const r = parseGeminiOrder(400, fixture('http_post_order_new_error_invalid_nonce.json'));
    expect(!r.ok && [r.error.code, r.error.retry, r.error.outcome]).toEqual(['gemini.nonce', 'retryable', 'rejected']);
    expect(geminiHttpError(400, { result: 'error', reason: 'InsufficientFunds', message: 'x' }).code).toBe('gemini.insufficient_funds');
    expect(geminiHttpError(429, {}).code).toBe('gemini.rate_limited');
    const s = geminiHttpError(503, { result: 'error', reason: 'Maintenance' });
    expect([s.code, s.outcome]).toEqual(['gemini.server', 'unknown']);
    const t = geminiTransportError(new Error('socket hang up'));
    expect([t.code, t.outcome]).toEqual(['gemini.transport', 'unknown']);
    const garbled = parseGeminiOrder(200, { order_id: 1 });
    expect(!garbled.ok && [garbled.error.code, garbled.error.outcome]).toEqual(['gemini.bad_response', 'unknown']);
  });

  it('mytrades (built from the documented field list)', () => {
    const fills = parseGeminiMyTrades(
      [
        {
          price: '2877.48',
          amount: '0.014434',
          timestamp: 1650398122,
          timestampms: 1650398122308,
          type: 'Sell',
          aggressor: true,
          fee_currency: 'EUR',
          fee_amount: '0.14533',
          tid: 106027397710,
          order_id: '106027397702',
          client_order_id: '1650398121695',
          exchange: 'gemini',
          is_auction_fill: false,
          is_clearing_fill: false,
          symbol: 'ETHEUR',
        },
      ],
      'etheur',
    );
    expect(fills[0]).toMatchObject({ tradeId: '106027397710', side: 'sell', liquidity: 'taker', price: '2877.48', fee: '0.14533' });
  });
});
