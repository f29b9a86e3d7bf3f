import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCAN_FALLBACK, scanCoinbaseL2 } from '../../../../src/actors/venues/coinbase/l2-scan.ts';
import { coinbaseL2ToSink, readCoinbaseWs } from '../../../../src/actors/venues/coinbase/parse.ts';
import { ASK, BID, BookSet } from '../../../../src/shared/book/index.ts';
import { fixture } from './fixtures.ts';

const SYMBOLS = ['BTC-USD', 'ETH-USD'];

function top(set: BookSet): number[][] {
  const out: number[][] = [];
  for (const s of SYMBOLS) {
    const b = new Float64Array(40);
    const a = new Float64Array(40);
    const c = set.get(s)!.writeTop(b, a, 20);
    out.push(Array.from(b.subarray(0, 2 * c.bids)), Array.from(a.subarray(0, 2 * c.asks)));
  }
  return out;
}

/** The reference path: JSON.parse + guards. */
function viaJson(text: string, set: BookSet): number {
  const env = readCoinbaseWs(JSON.parse(text));
  coinbaseL2ToSink(env, set);
  return env.sequence_num;
}

const levelArb = fc.record({
  side: fc.constantFrom('bid', 'offer'),
  price: fc.integer({ min: 1, max: 5_000_000 }).map((t) => (t / 100).toFixed(2)),
  qty: fc.oneof(fc.constant('0'), fc.constant('0.00000000'), fc.integer({ min: 1, max: 10 ** 9 }).map((x) => (x / 1e8).toFixed(8)), fc.constant('12345678901234567.5')),
  keyOrder: fc.constantFrom(0, 1, 2),
});
const eventArb = fc.record({
  type: fc.constantFrom('snapshot', 'update'),
  product: fc.constantFrom(...SYMBOLS, 'SOL-USD'),
  levels: fc.array(levelArb, { maxLength: 8 }),
});

function levelJson(l: { side: string; price: string; qty: string; keyOrder: number }): string {
  const side = `"side":"${l.side}"`;
  const px = `"price_level":"${l.price}"`;
  const q = `"new_quantity":"${l.qty}"`;
  const t = `"event_time":"2023-02-09T20:32:50.714964855Z"`;
  return l.keyOrder === 0 ? `{${side},${t},${px},${q}}` : l.keyOrder === 1 ? `{${q},${px},${side}}` : `{${t},${px},${q},${side}}`;
}

describe('scanCoinbaseL2', () => {
  it('equals the JSON.parse path on the documented snapshot', () => {
    const text = JSON.stringify(fixture('ws_l2_data_snapshot.json'));
    const a = new BookSet(SYMBOLS);
    const b = new BookSet(SYMBOLS);
    expect(scanCoinbaseL2(text, a)).toBe(1);
    expect(viaJson(text, b)).toBe(1);
    expect(top(a)).toEqual(top(b));
    expect(a.get('BTC-USD')!.bestAsk()).toBe(21922.1);
  });

  it('equals the JSON.parse path on random compact messages (same book, same sequence)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 0, maxLength: 4 }), fc.nat(1_000_000), (events, seq) => {
        const text =
          `{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":${seq},"events":[` +
          events.map((e) => `{"type":"${e.type}","product_id":"${e.product}","updates":[${e.levels.map(levelJson).join(',')}]}`).join(',') +
          ']}';
        const a = new BookSet(SYMBOLS);
        const b = new BookSet(SYMBOLS);
        for (const s of SYMBOLS) {
          a.get(s)!.apply(BID, 1, 1); // prior state, so snapshot clearing is checked too
          b.get(s)!.apply(BID, 1, 1);
          a.get(s)!.apply(ASK, 99999, 1);
          b.get(s)!.apply(ASK, 99999, 1);
        }
        expect(scanCoinbaseL2(text, a)).toBe(seq);
        expect(viaJson(text, b)).toBe(seq);
        expect(top(a)).toEqual(top(b));
      }),
      { numRuns: 300 },
    );
  });

  it('falls back (never guesses) on anything outside the exact compact form', () => {
    const base = JSON.stringify(fixture('ws_l2_data_snapshot.json'));
    const cases = [
      JSON.stringify(fixture('ws_l2_data_snapshot.json'), null, 1), // whitespace
      base.replace('"offer"', '"ask"'),
      base.replace('"21921.73"', '"2.1e4"'),
      base.replace('"21921.73"', '"-1"'),
      base.replace('"snapshot"', '"mystery"'),
      base.replace('"channel":"l2_data"', '"channel":"ticker"'),
      base.replace(']}]}', ']}],"extra":1}'),
      base.slice(0, -5),
      '{"type":"error","message":"x"}',
    ];
    for (const text of cases) {
      const set = new BookSet(SYMBOLS);
      expect(scanCoinbaseL2(text, set)).toBe(SCAN_FALLBACK);
      // The book stays usable: invariants hold even after a bail-out mid-snapshot.
      const book = set.get('BTC-USD')!;
      for (let i = 1; i < book.bids.count; i++) expect(book.bids.keys[i]!).toBeGreaterThan(book.bids.keys[i - 1]!);
    }
  });
});
