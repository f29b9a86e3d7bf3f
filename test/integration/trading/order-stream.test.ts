import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/shared/log.ts';
import { startEngine, type Engine } from '../../../src/supervisor/engine.ts';
import { eagerSolConfig, testConfig } from '../../helpers/config.ts';
import { waitFor } from '../../helpers/wait.ts';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

/**
 * The executor watches Coinbase's `user` channel beside its REST client. Here Coinbase's REST places
 * every order and then answers 503 to it and to every lookup after (the worst REST weather: the
 * order is real, nothing over REST can say so). The user channel still can: the CEX leg settles
 * `filled` from it, nothing is hedged or sent twice, and the trade ends `filled` with the reason
 * that verification (the fills endpoint, REST) could not be read. Without the stream the same leg
 * stays `unknown` (the unit tests in test/unit/executor/order-watch.test.ts show that side).
 */
/** The engine on the simulators with SOL 400 bps cheap on one CEX (buy there, sell on the pool) from 3 s in, for 5 s. */
async function cheapOn(venue: 'coinbase' | 'gemini'): Promise<Engine> {
  engine = await startEngine({
    config: eagerSolConfig(testConfig({ data_dir: mkdtempSync(join(tmpdir(), 'cambist-stream-')) })),
    log: createLogger({ level: 'silent' }),
    sim: { auto_dislocations: false, dislocations: [{ asset: 'SOL', venue, bps: -400, duration_ms: 5_000, delay_ms: 3_000 }] },
  });
  return engine;
}

describe('private order stream', () => {
  it('settles a CEX leg whose REST answer and lookups all fail from the Coinbase user channel', async () => {
    // A first window with REST healthy proves the executor has its balances (the signal sizes nothing without).
    const e = await cheapOn('coinbase');
    const finished = (since: number) => async () => {
      const page = await e.store.listTrades({ asset: 'SOL', limit: 200 });
      const done = page.items.filter((t) => t.cex_venue === 'coinbase' && t.created_ts_ms > since && !['intent', 'submitted', 'reconciling'].includes(t.state));
      return done.length > 0 ? done : undefined;
    };
    await waitFor(async () => (await finished(0)())?.find((t) => t.state === 'verified'), 'a first verified Coinbase trade', 60_000, 250);
    await new Promise((r) => setTimeout(r, 5_500)); // that window is over
    const post = (path: string, body: unknown) => fetch(`${e.sim!.urls.control}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/sim/profile', { venue: 'coinbase', rest_5xx_pct: 100, rest_5xx_processed_pct: 100 })).status).toBe(200);
    const since = Date.now();
    expect((await post('/sim/dislocations', { asset: 'SOL', venue: 'coinbase', bps: -400, duration_ms: 5_000 })).status).toBe(200);
    const trades = await waitFor(finished(since), 'a Coinbase trade after REST went bad', 60_000, 250);
    const t = trades[0]!;
    expect(t.legs[0]).toMatchObject({ venue: 'coinbase', status: 'filled' });
    expect(t.legs[0]!.filled_size_base).toBeGreaterThan(0);
    expect(t.legs[1]!.status).toBe('filled');
    expect(t.legs).toHaveLength(2); // nothing hedged: the stream said the CEX leg filled
    expect(t.state).toBe('filled');
    expect(t.reason).toMatch(/verification could not read the venue records \(coinbase: /);
    // Every client order id reached Coinbase once.
    const orders = (await (await fetch(`${e.sim!.urls.control}/sim/orders?venue=coinbase`)).json()) as { orders: { client_order_id: string }[] };
    const ids = orders.orders.map((o) => o.client_order_id);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    const counters = (await e.supervisor.handle('executor:SOL').api!.stats()).counters;
    expect(counters.order_stream_coinbase_updates).toBeGreaterThan(0);
  }, 120_000);

  it('the Gemini order-events stream authenticates beside REST on one nonce sequence and sees our orders', async () => {
    const e = await cheapOn('gemini');
    await waitFor(async () => (await e.store.listTrades({ asset: 'SOL', limit: 100 })).items.find((t) => t.cex_venue === 'gemini' && t.state === 'verified'), 'a verified Gemini trade', 60_000, 250);
    const counters = async () => (await e.supervisor.handle('executor:SOL').api!.stats()).counters;
    // The stream's update for our IOC may trail the REST answer by a moment.
    await waitFor(async () => ((await counters()).order_stream_gemini_updates ?? 0) > 0 || undefined, 'order events for our Gemini orders', 10_000, 100);
    expect((await counters()).order_stream_gemini_resyncs ?? 0).toBeLessThanOrEqual(1);
  }, 120_000);
});
