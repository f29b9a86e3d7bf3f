import { describe, expect, it } from 'vitest';
import { bitstampHttpError, bitstampTransportError } from '../../../../src/actors/venues/bitstamp/errors.ts';
import {
  bitstampBookToSink,
  parseBitstampCancel,
  parseBitstampOrder,
  parseBitstampOrderBook,
  parseBitstampOrderStatus,
  parseBitstampWs,
} from '../../../../src/actors/venues/bitstamp/parse.ts';
import { BitstampDiffGate } from '../../../../src/actors/venues/bitstamp/sync.ts';
import { OrderBook } from '../../../../src/shared/book/index.ts';
import { fixture } from './fixtures.ts';
import { codeOf } from '../../../helpers/errors.ts';

describe('Bitstamp WS', () => {
  it('diff_order_book: changed levels, q=0 removes, returns microtimestamp', () => {
    const f = parseBitstampWs(fixture('ws_diff_order_book.json'));
    expect(f.kind === 'book' && [f.pair, f.snapshot]).toEqual(['btcusd', false]);
    if (f.kind !== 'book') return;
    const book = new OrderBook();
    book.apply(1, 8735.67, 3); // the diff removes this ask
    expect(bitstampBookToSink('btcusd', f.data, f.snapshot, book)).toBe(1583656800237527);
    expect(book.bestBid()).toBe(8732.02);
    expect(book.bids.bestSize()).toBe(0.00002478);
    expect(book.asks.count).toBe(0);
  });

  it('order_book_* is a snapshot (built from the field list: no documented example)', () => {
    const msg = {
      event: 'data',
      channel: 'order_book_btcusd',
      data: { timestamp: '1583656800', microtimestamp: '1583656800237527', bids: [['8732.02', '0.5']], asks: [['8735.67', '1.25']] },
    };
    const f = parseBitstampWs(msg);
    if (f.kind !== 'book') throw new Error('expected book');
    expect(f.snapshot).toBe(true);
    const book = new OrderBook();
    book.apply(0, 1, 1);
    bitstampBookToSink(f.pair, f.data, f.snapshot, book);
    expect([book.bids.count, book.bestBid(), book.bestAsk(), book.isCrossed()]).toEqual([1, 8732.02, 8735.67, false]);
    expect(parseBitstampOrderBook(msg.data).microtimestamp).toBe('1583656800237527');
    expect(codeOf(() => parseBitstampOrderBook({ bids: [] }))).toBe('bitstamp.bad_response');
  });

  it('control frames: subscribed, heartbeat, request_reconnect, error', () => {
    expect(parseBitstampWs(fixture('ws_subscription_succeeded.json'))).toEqual({ kind: 'subscribed', channel: 'diff_order_book_btcusd' });
    expect(parseBitstampWs(fixture('ws_heartbeat.json'))).toEqual({ kind: 'heartbeat' });
    expect(parseBitstampWs(fixture('ws_request_reconnect.json'))).toEqual({ kind: 'reconnect' });
    const e = parseBitstampWs(fixture('ws_error.json'));
    expect(e.kind === 'error' && [e.error.code, e.error.venueReason]).toEqual(['bitstamp.ws_error', '4009']);
    expect(codeOf(() => parseBitstampWs({ event: 'surprise', channel: '', data: null }))).toBe('bitstamp.bad_message');
    expect(codeOf(() => parseBitstampWs({ event: 'data', channel: 'nonsense_btcusd', data: {} }))).toBe('bitstamp.bad_message');
    const bad = fixture('ws_diff_order_book.json') as { data: { bids: string[][] } };
    bad.data.bids[0]![0] = 'x';
    const f = parseBitstampWs(bad);
    expect(f.kind === 'book' && codeOf(() => bitstampBookToSink('btcusd', f.data, false, new OrderBook()))).toBe('bitstamp.bad_message');
  });
});

describe('Bitstamp diff alignment', () => {
  it('buffers until the snapshot, skips diffs it contains, flags time going backwards', () => {
    const g = new BitstampDiffGate();
    expect(g.check(100)).toBe('buffer');
    g.snapshotLoaded(150);
    expect(g.check(100)).toBe('skip');
    expect(g.check(150)).toBe('skip');
    expect(g.check(155)).toBe('apply');
    expect(g.check(155)).toBe('apply'); // several diffs may share a microtimestamp
    expect(g.check(152)).toBe('resync');
    g.reset();
    expect(g.check(200)).toBe('buffer');
  });
});

describe('Bitstamp REST', () => {
  it('limit order response (no fill info)', () => {
    expect(parseBitstampOrder(200, fixture('http_post_buy.json'))).toEqual({
      ok: true,
      orderId: '1234567890',
      clientOrderId: 'abc',
      side: 'buy',
      price: '50000',
      amount: '0.001',
      market: 'BTC/USD',
    });
  });

  it('legacy error bodies are rejections (API0005 = invalid signature), even with HTTP 200', () => {
    for (const name of ['http_post_error_legacy_reason_object.json', 'http_post_error_legacy_reason_string.json']) {
      for (const status of [200, 400]) {
        const r = parseBitstampOrder(status, fixture(name));
        expect(!r.ok && [r.error.code, r.error.outcome, r.error.venueReason]).toEqual(['bitstamp.auth', 'rejected', 'API0005']);
      }
    }
  });

  it('response codes: duplicate client_order_id is an unknown outcome, not a rejection; 5xx/timeout unknown', () => {
    const dup = bitstampHttpError(400, { status: 'error', response_code: '400.019', reason: 'Provided client_order_id already exists' });
    expect([dup.code, dup.outcome]).toEqual(['bitstamp.duplicate_client_order_id', 'unknown']);
    expect(bitstampHttpError(400, { status: 'error', response_code: '400.009' }).code).toBe('bitstamp.insufficient_funds');
    const rl = bitstampHttpError(400, { status: 'error', response_code: '400.002' });
    expect([rl.code, rl.retry]).toEqual(['bitstamp.rate_limited', 'retryable']);
    expect(bitstampHttpError(400, { status: 'error', code: 'API0004', reason: 'Invalid nonce' }).code).toBe('bitstamp.nonce');
    const s = bitstampHttpError(502, 'Bad gateway');
    expect([s.code, s.outcome]).toEqual(['bitstamp.server', 'unknown']);
    const t = bitstampTransportError(new Error('ECONNRESET'));
    expect([t.code, t.outcome]).toEqual(['bitstamp.transport', 'unknown']);
    const garbled = parseBitstampOrder(200, { what: 1 });
    expect(!garbled.ok && [garbled.error.code, garbled.error.outcome]).toEqual(['bitstamp.bad_response', 'unknown']);
  });

  it('order_status sums base amounts exactly (built from the field list: no documented example)', () => {
    const { order, fills } = parseBitstampOrderStatus(200, {
      id: 1234567890,
      datetime: '2023-01-01 12:00:00',
      type: '0',
      status: 'Canceled',
      market: 'BTC/USD',
      amount_remaining: '0.00070000',
      client_order_id: 'abc',
      transactions: [
        { tid: 1, price: '50000.00', fee: '0.01', datetime: '2023-01-01 12:00:00', type: 2, btc: '0.0001', usd: '5.00' },
        { tid: 2, price: '50000.00', fee: '0.02', datetime: '2023-01-01 12:00:00', type: 2, btc: '0.0002', usd: '10.00' },
      ],
    });
    expect(order).toMatchObject({ orderId: '1234567890', state: 'cancelled', terminal: true, filledSize: '0.0003', fees: '0.03', remainingSize: '0.0007', side: 'buy' });
    expect(fills.map((f) => f.size)).toEqual(['0.0001', '0.0002']);
    expect(codeOf(() => parseBitstampOrderStatus(200, { id: 1, status: 'Bogus' }))).toBe('bitstamp.bad_response');
  });

  it('cancel', () => {
    expect(parseBitstampCancel(200, { id: 1234567890, amount: '0.001', price: '50000', type: 0 })).toEqual({ ok: true, orderId: '1234567890' });
  });
});
