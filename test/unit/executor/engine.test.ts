import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutorEngine, type ExecutorSlice } from '../../../src/actors/executor/engine.ts';
import { Output } from '../../../src/actors/runtime/actor.ts';
import type { ControlRequest } from '../../../src/actors/runtime/protocol.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ControlBlock, ControlFlag } from '../../../src/shared/control.ts';
import { Direction, ExecResult, ExecTry, Flag, Inventory, Kind, Outcome, kindAt } from '../../../src/shared/messages/index.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { createDoorbell, createRing, memoryOf, RingConsumer } from '../../../src/shared/ring/index.ts';
import { openStore, type Store } from '../../../src/shared/store/index.ts';
import { FakeLeg } from '../../helpers/fake-leg.ts';

const slice: ExecutorSlice = {
  asset: 'SOL', asset_index: 0, routes: ['whirlpool#0'],
  risk: { max_daily_loss_abs: 100, max_daily_notional_quote: 1_000, max_daily_trades: 50, pnl_error_gate_pct: 0.8, max_unhedged_quote_sec: 1_000 },
  hedge: { max_loss_pct: 1, attempts: 1 }, reconcile: { attempts: 1, every_ms: 1 }, inventory_every_ms: 1_000,
};

let store: Store;
beforeEach(async () => {
  store = await openStore({ kind: 'sqlite', dataDir: mkdtempSync(join(tmpdir(), 'cambist-exec-')) });
});
afterEach(async () => store.close());

function setup(cexScript: ConstructorParameters<typeof FakeLeg>[1], dexScript: ConstructorParameters<typeof FakeLeg>[1], dexPrice = 104, startMonoUs = 0) {
  const clock = new ManualClock(startMonoUs, Date.UTC(2026, 10, 30, 3));
  const control = ControlBlock.create(1);
  const sigRing = createRing({ name: 'executor:SOL->signal:SOL', capacityBytes: 1 << 14, policy: 'reject' });
  const requests: Omit<ControlRequest, 'type'>[] = [];
  const cex = new FakeLeg('coinbase', cexScript, undefined, 100);
  const dex = new FakeLeg('whirlpool#0', dexScript, undefined, dexPrice);
  const engine = new ExecutorEngine(slice, {
    store, clock, log: createLogger({ level: 'silent' }), control, cex: new Map([[1, cex]]), dex: new Map([[0, dex]]),
    out: { signal: new Output(sigRing, createDoorbell()), recorder: undefined },
    requestControl: (r) => requests.push(r), sleep: async () => undefined,
  });
  const sig = new RingConsumer(sigRing);
  let attempt = 0;
  const send = async (o: { flags?: number; size?: number; predicted?: number; decidedUs?: number } = {}) => {
    const mem = memoryOf(new ArrayBuffer(ExecTry.bytesFor()));
    const t = new ExecTry().write(mem, 0);
    t.tradeKey = `SOL:coinbase:0:bc:7:${++attempt}`;
    t.flags = o.flags ?? 0;
    t.cexVenue = 1;
    t.dexRoute = 0;
    t.direction = Direction.buyCexSellDex;
    t.attempt = attempt;
    t.windowId = 7;
    t.sizeBase = o.size ?? 1;
    t.cexRefPrice = 100;
    t.cexPriceCap = 100.1;
    t.dexExpectedQuote = 104;
    t.dexLimitQuote = 103;
    t.predictedPnlQuote = o.predicted ?? 3.5;
    t.decidedUs = o.decidedUs ?? 0;
    engine.onRecord(mem, 0, t.length);
    await engine.drain();
    return t.tradeKey;
  };
  const results = () => {
    const r = new ExecResult();
    const inv = new Inventory();
    const out: { kind: string; outcome?: number; venue?: number; key?: string }[] = [];
    sig.drain((m, off, len) => {
      if (kindAt(m, off) === Kind.ExecResult) out.push({ kind: 'result', outcome: r.read(m, off, len).outcome, key: r.tradeKey });
      else out.push({ kind: 'inventory', venue: inv.read(m, off, len).venue });
    });
    return out;
  };
  return { clock, control, engine, cex, dex, send, results, requests };
}

describe('executor engine', () => {
  it('trades, verifies, and answers the signal with the outcome', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    const key = await t.send();
    const out = t.results();
    expect(out.filter((r) => r.kind === 'result')).toEqual([{ kind: 'result', outcome: Outcome.verified, key }]);
    // Balances are re-read after every trade and reported to the signal.
    expect(out.filter((r) => r.kind === 'inventory').map((r) => r.venue).sort()).toEqual([1, 4]);
    expect(t.engine.detectToFill.cex.count).toBe(1);
    expect((await store.getTrade(key))!.state).toBe('verified');
    expect(t.engine.counts.verified).toBe(1);
  });

  it('observe-only records the ExecTry and sends nothing', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    const key = await t.send({ flags: Flag.ObserveOnly });
    t.control.set({ kind: 'asset', index: 0 }, ControlFlag.observeOnly, true, 'operator', 0);
    const key2 = await t.send();
    expect([t.cex.submits.length, t.dex.submits.length]).toEqual([0, 0]);
    expect((await store.getTrade(key))!.state).toBe('observe_only');
    expect((await store.getTrade(key2))!.state).toBe('observe_only');
    expect(t.results().map((r) => r.outcome)).toEqual([Outcome.observeOnly, Outcome.observeOnly]);
  });

  it('refuses while paused or killed, and past the daily notional cap, saying why', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    t.control.set({ kind: 'global' }, ControlFlag.paused, true, 'operator', 0);
    const k1 = await t.send();
    t.control.set({ kind: 'global' }, ControlFlag.paused, false, 'operator', 0);
    const k2 = await t.send({ size: 20 }); // 2,000 notional > 1,000 cap
    expect(t.cex.submits).toHaveLength(0);
    expect(await store.getTrade(k1)).toMatchObject({ state: 'rejected', reason: 'paused' });
    expect((await store.getTrade(k2))!.reason).toMatch(/daily notional would exceed 1000/);
  });

  it('does not count a trade that beats its prediction as a prediction error', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }), 110); // pool pays far more than predicted
    for (let i = 0; i < 4; i++) await t.send();
    expect(t.requests).toHaveLength(0);
  });

  it('turns on observe-only after three large prediction errors in ten minutes', async () => {
    // Predicted +3.5 but the pool pays 100: realised ≈ −0.2 on 100 notional → 3.7 % error > 0.8 %.
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }), 100);
    await t.send();
    await t.send();
    expect(t.requests).toHaveLength(0);
    await t.send();
    expect(t.requests).toEqual([expect.objectContaining({ action: 'observe_only_on', reason: 'predictionError', scope: { asset: 'SOL' } })]);
  });

  it('trips the kill switch when unhedged exposure outlives its bound', async () => {
    const t = setup((_r, n) => (n === 1 ? { status: 'filled' } : { status: 'no_fill' }), () => ({ status: 'rejected' }));
    await t.send();
    expect(t.engine.counts.unhedged).toBe(1);
    t.clock.advanceMs(5_000); // 100 quote × 5 s = 500 < 1,000
    t.engine.checkExposure();
    expect(t.requests).toHaveLength(0);
    t.clock.advanceMs(6_000); // past 1,000 quote·s
    t.engine.checkExposure();
    expect(t.requests).toEqual([expect.objectContaining({ action: 'kill', reason: 'unhedged' })]);
  });

  it('reports free inventory per venue to the signal', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    await t.engine.refreshInventory();
    expect(t.results().map((r) => r.venue).sort()).toEqual([1, 4]);
  });

  it('records, and does not send, an ExecTry decided before this incarnation started', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }), 104, 5_000_000);
    const key = await t.send({ decidedUs: 4_000_000 });
    expect(t.cex.submits).toHaveLength(0);
    expect(t.dex.submits).toHaveLength(0);
    expect((await store.getTrade(key))).toMatchObject({ state: 'rejected', reason: expect.stringMatching(/before the executor/) });
    // Decided after the start: traded.
    await t.send({ decidedUs: 5_000_001 });
    expect(t.cex.submits).toHaveLength(1);
  });

  it('tells the signal it restarted, after recovery, so waiting windows stop waiting', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    t.engine.announceStarted();
    expect(t.results()).toEqual([{ kind: 'result', outcome: Outcome.restarted, key: '' }]);
  });

  it('pauses the asset on a daily cap (once), and resumes it itself when the day rolls over', async () => {
    const t = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    await t.send({ size: 6 }); // 600 notional: sent
    await t.send({ size: 6 }); // 1 200 > the 1 000 cap: refused, asset paused
    await t.send({ size: 6 });
    expect(t.cex.submits).toHaveLength(1);
    expect(t.requests).toEqual([{ scope: { asset: 'SOL' }, action: 'pause', reason: 'riskCap', detail: expect.stringMatching(/daily notional would exceed 1000; resumes at 00:00 UTC/) }]);
    t.control.set({ kind: 'asset', index: 0 }, ControlFlag.paused, true, 'riskCap', 0);
    t.engine.checkExposure();
    expect(t.requests).toHaveLength(1); // same day: still no room
    t.clock.advanceMs(86_400_000);
    t.engine.checkExposure();
    expect(t.requests[1]).toMatchObject({ action: 'resume', reason: 'riskCap' });
  });

  it('restores the day\'s counters from the store after a restart, so a crash cannot reset a cap', async () => {
    const first = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    await first.send({ size: 4 });
    await first.send({ size: 5 });
    await first.send({ flags: Flag.ObserveOnly, size: 3 }); // not sent: not counted
    const again = setup(() => ({ status: 'filled' }), () => ({ status: 'filled' }));
    await again.engine.restoreRiskDay();
    expect(again.engine.risk.tradesToday).toBe(2);
    expect(again.engine.risk.notionalToday).toBeCloseTo(9 * 100.1, 6);
    expect(again.engine.risk.pnlToday).toBeCloseTo(first.engine.risk.pnlToday, 9);
    // 9 × 100.1 already sent today: 1 more SOL would exceed the 1 000 cap.
    await again.send({ size: 1 });
    expect(again.cex.submits).toHaveLength(0);
  });
});
