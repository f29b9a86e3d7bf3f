import { describe, expect, it } from 'vitest';
import { GeminiError } from '../../../../src/actors/venues/gemini/errors.ts';
import { GeminiFillTracker, refusedStatus } from '../../../../src/actors/venues/gemini/order-events.ts';
import { type GeminiOrderEventDomain, parseGeminiOrderEvents } from '../../../../src/actors/venues/gemini/parse.ts';
import { fixture } from './fixtures.ts';

// Only `accepted` has a full documented example; the others are built from its fields plus the
// documented extras (see test/fixtures/gemini/README.md).
const base = (fixture('ws_order_events_accepted.json') as Record<string, unknown>[])[0]!;

function ev(type: string, executed: string, extra: Record<string, unknown> = {}, orderId = '134150423884'): GeminiOrderEventDomain {
  const f = parseGeminiOrderEvents([{ ...base, type, order_id: orderId, executed_amount: executed, remaining_amount: String(1 - Number(executed)), ...extra }]);
  if (f.kind !== 'orders') throw new Error('expected orders');
  return f.events[0]!;
}

const fill = (executed: string, amount: string) =>
  ev('fill', executed, { fill: { trade_id: `t${executed}`, liquidity: 'Taker', price: '1', amount, fee: '0', fee_currency: 'BTC' } });

describe('GeminiFillTracker', () => {
  it('deltas come from the cumulative executed_amount, one per fill, none on accepted/cancelled/closed', () => {
    const t = new GeminiFillTracker();
    expect(t.observe(ev('accepted', '0'))).toBeUndefined();
    expect(t.observe(fill('0.3', '0.3'))).toBe('0.3');
    expect(t.observe(fill('0.45', '0.15'))).toBe('0.15');
    expect(t.observe(ev('cancelled', '0.45', { is_live: false, is_cancelled: true, reason: 'ImmediateOrCancelWouldPost' }))).toBeUndefined();
    expect(t.size).toBe(1);
    // `closed` follows `cancelled` with the same cumulative amount: no second count, then forgotten.
    expect(t.observe(ev('closed', '0.45', { is_live: false, is_cancelled: true }))).toBeUndefined();
    expect(t.size).toBe(0);
  });

  it('a repeated snapshot of the same cumulative amount never counts twice', () => {
    const t = new GeminiFillTracker();
    expect(t.observe(fill('0.5', '0.5'))).toBe('0.5');
    expect(t.observe(fill('0.5', '0.5'))).toBeUndefined();
  });

  it('initial events set the baseline without a delta; clear() forgets old baselines', () => {
    const t = new GeminiFillTracker();
    expect(t.observe(fill('0.2', '0.2'))).toBe('0.2');
    t.clear();
    // After a resubscription the open order is re-described by `initial`, incl. fills missed meanwhile.
    expect(t.observe(ev('initial', '0.6', { event_id: undefined }))).toBeUndefined();
    expect(t.observe(fill('0.7', '0.1'))).toBe('0.1');
  });

  it('rejected orders are forgotten; an executed amount going down is a broken invariant', () => {
    const t = new GeminiFillTracker();
    expect(t.observe(ev('rejected', '0', { is_live: false, reason: 'InsufficientFunds' }))).toBeUndefined();
    expect(t.size).toBe(0);
    t.observe(fill('0.4', '0.4'));
    let err: unknown;
    try {
      t.observe(fill('0.3', '0.1'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GeminiError);
    expect((err as GeminiError).code).toBe('gemini.bad_message');
  });
});

describe('refusedStatus', () => {
  it('reads the status of a refused upgrade from the session close reason', () => {
    expect(refusedStatus('closed 1006 (Unexpected server response: 400)')).toBe(400);
    expect(refusedStatus('closed 1006 (connect ECONNREFUSED 127.0.0.1:1)')).toBeUndefined();
    expect(refusedStatus('socket_sequence gap at 4')).toBeUndefined();
  });
});
