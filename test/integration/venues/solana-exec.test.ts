import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../../../src/shared/clock.ts';
import type { LegRequest } from '../../../src/actors/executor/legs.ts';
import { SolanaDexLeg, type SolanaDexLegConfig } from '../../../src/actors/venues/solana/exec.ts';
import { JupiterClient } from '../../../src/actors/venues/solana/jupiter/client.ts';
import { generateWallet, type SolanaWallet } from '../../../src/actors/venues/solana/wallet.ts';
import { ataAddress } from '../../../src/actors/venues/solana/tx.ts';
import { ManualScheduler, type Sim, startSim } from '../../../src/sim/index.ts';

// The simulator runs on a manual scheduler that the test drives (one 400 ms slot every few real
// milliseconds while a leg call is pending), and the leg reads the simulator's clock: its timeouts and
// blockhash cache are in chain time, so expiry after 150 blocks takes a second of real time.
const WHIRLPOOL = 'Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE';
const AMM_V4 = '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2';
const WSOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

describe('SolanaDexLeg against the simulated Solana RPC', () => {
  let sim: Sim;
  let sched: ManualScheduler;
  let wallet: SolanaWallet;
  const legs: SolanaDexLeg[] = [];
  let jup: JupiterClient;
  let n = 0;

  beforeAll(async () => {
    sched = new ManualScheduler(new ManualClock());
    sim = await startSim({ seed: 23, assets: ['SOL'], scheduler: sched, auto_dislocations: false });
    sched.advance(800);
    // Sim mode: a keypair generated for the run, funded by the simulator (100 SOL, wSOL and USDC ATAs).
    wallet = generateWallet(seededRandom(99));
    sim.solana.fund({ owner: wallet.publicKey, wsol: 50_000_000_000n, usdc: 20_000_000_000n });
    jup = new JupiterClient({ baseUrl: `${sim.urls.jupiter.http}/swap/v1`, clock: sched.clock, random: seededRandom(1) });
  });
  afterAll(async () => {
    await Promise.all(legs.map((l) => l.close()));
    await jup.close();
    await sim.close();
  });

  function leg(route: SolanaDexLegConfig['route'], options: SolanaDexLegConfig['options'] = {}): SolanaDexLeg {
    const l = new SolanaDexLeg({
      urls: sim.urls.solana,
      route,
      mints: { base: WSOL, quote: USDC, baseDecimals: 9, quoteDecimals: 6 },
      wallet,
      clock: sched.clock,
      options: { resendEveryMs: 20, rpcTimeoutMs: 400, ...options },
      deps: { jupiter: jup, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    });
    legs.push(l);
    return l;
  }

  /** Advance the chain one slot every 5 ms of real time until `p` settles. */
  async function drive<T>(p: Promise<T>, maxSlots = 2_000): Promise<T> {
    let done = false;
    const tracked = p.finally(() => (done = true));
    for (let i = 0; i < maxSlots && !done; i++) {
      sched.advance(400);
      await new Promise((r) => setTimeout(r, 5));
    }
    return tracked;
  }

  async function rpc(method: string, params: unknown[]): Promise<unknown> {
    const r = await fetch(sim.urls.solana.http, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return ((await r.json()) as { result: unknown }).result;
  }

  async function tokenAmounts(): Promise<{ base: bigint; quote: bigint; lamports: bigint }> {
    const acc = async (k: string): Promise<bigint> => BigInt(((await rpc('getTokenAccountBalance', [k])) as { value: { amount: string } }).value.amount);
    const lamports = BigInt(((await rpc('getBalance', [wallet.publicKey])) as { value: number }).value);
    return { base: await acc(ataAddress(wallet.publicKey, WSOL)), quote: await acc(ataAddress(wallet.publicKey, USDC)), lamports };
  }

  const price = (): number => sim.market.dexPrice('SOL');
  const req = (side: 'buy' | 'sell', sizeBase: number, limitQuote: number): LegRequest => ({ tradeKey: `t${++n}`, clientOrderId: `t${n}|dex`, side, sizeBase, priceCap: 0, limitQuote });

  it('a Whirlpool sell lands with the prepared signature; filled size, price and fee match the balance changes', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL });
    const before = await tokenAmounts();
    const r = req('sell', 1.5, 1.5 * price() * 0.95);
    const sig = await l.prepare(r);
    expect(sig).toMatch(/^[1-9A-HJ-NP-Za-km-z]{80,90}$/);
    const res = await drive(l.submit(r));
    expect(res.status).toBe('filled');
    expect(res.ref).toBe(sig);
    const after = await tokenAmounts();
    expect(after.base - before.base).toBe(-1_500_000_000n);
    expect(res.filledBase).toBe(1.5);
    const quoteIn = Number(after.quote - before.quote) / 1e6;
    expect(res.avgPrice * res.filledBase).toBeCloseTo(quoteIn, 6);
    expect(res.avgPrice).toBeGreaterThan(price() * 0.95);
    // The network fee (signature + priority) in quote at the trade's price.
    const feeLamports = Number(before.lamports - after.lamports);
    expect(feeLamports).toBeGreaterThanOrEqual(5_000);
    expect(res.feeQuote).toBeCloseTo((feeLamports / 1e9) * res.avgPrice, 9);
    // The chain knows the transaction under the signature prepare returned.
    const tx = (await rpc('getTransaction', [sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }])) as { transaction: { signatures: string[] } };
    expect(tx.transaction.signatures[0]).toBe(sig);
    const v = await l.verify(r, res);
    expect(v.filledBase).toBe(res.filledBase);
    expect(v.avgPrice).toBe(res.avgPrice);
  });

  it('a Whirlpool buy is exact-out: exactly sizeBase arrives, paid within the limit', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL });
    const before = await tokenAmounts();
    const limit = 2 * price() * 1.05;
    const r = req('buy', 2, limit);
    await l.prepare(r);
    const res = await drive(l.submit(r));
    expect(res.status).toBe('filled');
    const after = await tokenAmounts();
    expect(after.base - before.base).toBe(2_000_000_000n);
    const paid = Number(before.quote - after.quote) / 1e6;
    expect(res.filledBase).toBe(2);
    expect(res.avgPrice * 2).toBeCloseTo(paid, 6);
    expect(paid).toBeLessThanOrEqual(limit);
  });

  it('a min-out violation lands as a failed transaction: rejected with the program error, fee paid, nothing swapped', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL });
    const before = await tokenAmounts();
    const r = req('sell', 1, price() * 10);
    await l.prepare(r);
    const res = await drive(l.submit(r));
    expect(res.status).toBe('rejected');
    expect(res.reason).toContain('custom program error 6036 AmountOutBelowMinimum');
    expect(res.filledBase).toBe(0);
    expect(res.feeQuote).toBeGreaterThan(0);
    const after = await tokenAmounts();
    expect(after.base).toBe(before.base);
    expect(after.quote).toBe(before.quote);
    expect(after.lamports).toBeLessThan(before.lamports);
    // reconcile reads the same failure from the chain.
    const again = await l.reconcile(r, res.ref!);
    expect(again.status).toBe('rejected');
  });

  it('a transaction that never lands is unknown at submit (timeout), then no_fill after its blockhash expires', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL }, { confirmTimeoutMs: 8_000 });
    const r = req('sell', 0.5, 0.5 * price() * 0.9);
    const sig = await l.prepare(r);
    // Every copy is accepted and dropped (the fault drops the first; AlreadyProcessed does not apply).
    sim.faults.inject({ venue: 'solana', kind: 'drop_tx', count: 1_000 });
    const res = await drive(l.submit(r));
    expect(res.status).toBe('unknown');
    expect((await l.reconcile(r, sig)).status).toBe('unknown'); // blockhash still valid
    sched.advance(400 * 160);
    const rec = await l.reconcile(r, sig);
    expect(rec.status).toBe('no_fill');
    expect(rec.reason).toContain('blockhash expired');
    sim.faults.venue('solana').pending_tx_drops = 0;
  });

  it('with a long enough confirm timeout, submit itself sees the expiry: no_fill, never rejected', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL }, { confirmTimeoutMs: 600_000 });
    sim.faults.inject({ venue: 'solana', kind: 'drop_tx', count: 1_000 });
    const r = req('sell', 0.5, 0.5 * price() * 0.9);
    await l.prepare(r);
    const res = await drive(l.submit(r));
    sim.faults.venue('solana').pending_tx_drops = 0;
    expect(res.status).toBe('no_fill');
    expect(res.reason).toContain('never landed');
  });

  it('an RPC that stops answering during submit gives unknown; reconcile settles it from the chain', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL }, { confirmTimeoutMs: 4_000 });
    const before = await tokenAmounts();
    const r = req('sell', 1, price() * 0.9);
    const sig = await l.prepare(r);
    // Answers (HTTP and PubSub) are held for an hour of chain time: every call times out, though the
    // node still receives the transaction and it lands.
    sim.faults.inject({ venue: 'solana', kind: 'delay', delay_ms: 3_600_000 });
    sim.faults.inject({ venue: 'solana', kind: 'drop' });
    const res = await drive(l.submit(r));
    expect(res.status).toBe('unknown');
    expect(res.reason).toContain('no send acknowledged');
    sim.faults.inject({ venue: 'solana', kind: 'delay', delay_ms: 0 });
    const rec = await l.reconcile(r, sig);
    expect(rec.status).toBe('filled');
    expect(rec.ref).toBe(sig);
    const after = await tokenAmounts();
    expect(after.base - before.base).toBe(-1_000_000_000n);
    expect(rec.avgPrice * rec.filledBase).toBeCloseTo(Number(after.quote - before.quote) / 1e6, 6);
  });

  it('a dropped PubSub socket falls back to status polling', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL });
    const r = req('sell', 0.25, 0.25 * price() * 0.9);
    await l.prepare(r);
    const p = l.submit(r);
    sim.faults.inject({ venue: 'solana', kind: 'drop' });
    const res = await drive(p);
    expect(res.status).toBe('filled');
  });

  it('a transaction failed by the chain (fault) is rejected, not retried', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL });
    sim.faults.inject({ venue: 'solana', kind: 'fail_tx', count: 1 });
    const r = req('sell', 0.25, 0.25 * price() * 0.9);
    await l.prepare(r);
    const res = await drive(l.submit(r));
    expect(res.status).toBe('rejected');
    expect(res.reason).toContain('6036');
  });

  it('Raydium AMM v4 (SwapBaseInV2 / SwapBaseOutV2): a sell and an exact-out buy land', async () => {
    const l = leg({ program: 'raydium_amm', pool: AMM_V4 });
    const b0 = await tokenAmounts();
    const s = req('sell', 1, price() * 0.95);
    await l.prepare(s);
    const sold = await drive(l.submit(s));
    expect(sold.status).toBe('filled');
    const b1 = await tokenAmounts();
    expect(b1.base - b0.base).toBe(-1_000_000_000n);
    expect(sold.avgPrice).toBeCloseTo(Number(b1.quote - b0.quote) / 1e6, 6);
    const b = req('buy', 0.75, 0.75 * price() * 1.05);
    await l.prepare(b);
    const bought = await drive(l.submit(b));
    expect(bought.status).toBe('filled');
    const b2 = await tokenAmounts();
    expect(b2.base - b1.base).toBe(750_000_000n);
    expect(bought.avgPrice * 0.75).toBeCloseTo(Number(b1.quote - b2.quote) / 1e6, 6);
    // Raydium's slippage error by name.
    const bad = req('sell', 1, price() * 10);
    await l.prepare(bad);
    const rej = await drive(l.submit(bad));
    expect(rej.status).toBe('rejected');
    expect(rej.reason).toContain('custom program error 30 ExceededSlippage');
  });

  it('Jupiter /swap pinned to the Whirlpool: a sell and an exact-out buy land; a quote beyond the limit is not sent', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL, via: 'jupiter', slippageBpsCap: 200 });
    const b0 = await tokenAmounts();
    const s = req('sell', 1, price() * 0.97);
    await l.prepare(s);
    const sold = await drive(l.submit(s));
    expect(sold.status).toBe('filled');
    const b1 = await tokenAmounts();
    expect(b1.base - b0.base).toBe(-1_000_000_000n);
    expect(sold.avgPrice).toBeCloseTo(Number(b1.quote - b0.quote) / 1e6, 6);
    const b = req('buy', 0.5, 0.5 * price() * 1.03);
    await l.prepare(b);
    const bought = await drive(l.submit(b));
    expect(bought.status).toBe('filled');
    expect((await tokenAmounts()).base - b1.base).toBe(500_000_000n);
    const bad = req('sell', 1, price() * 10);
    const ref = await l.prepare(bad);
    expect(ref).toBe(`unsigned:${bad.tradeKey}`);
    const res = await l.submit(bad);
    expect(res.status).toBe('no_fill');
    expect(res.reason).toContain('JUPITER');
    expect((await l.reconcile(bad, ref)).status).toBe('no_fill');
  });

  it('balances reads the wallet token accounts', async () => {
    const l = leg({ program: 'whirlpool', pool: WHIRLPOOL });
    const t = await tokenAmounts();
    const b = await l.balances();
    expect(b.base).toBe(Number(t.base) / 1e9);
    expect(b.quote).toBe(Number(t.quote) / 1e6);
  });
});
