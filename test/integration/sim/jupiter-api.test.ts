import { Connection, Keypair, PublicKey, VersionedTransaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ManualScheduler, type Sim, startSim } from '../../../src/sim/index.ts';
import { AMM_V4, USDC, WHIRLPOOL, WSOL, ata, landWith, tokenDelta } from './solana-helpers.ts';

interface Quote {
  inAmount: string;
  outAmount: string;
  otherAmountThreshold: string;
  swapMode: string;
  contextSlot: number;
  routePlan: { swapInfo: { ammKey: string; label: string; inputMint: string; outputMint: string }; percent: number }[];
  mostReliableAmmsQuoteReport: { info: Record<string, string> };
}

describe('Jupiter Metis v1 simulator', () => {
  let sim: Sim;
  let sched: ManualScheduler;
  let conn: Connection;
  let kp: Keypair;
  const get = async (path: string): Promise<Response> => fetch(`${sim.urls.jupiter.http}${path}`);

  beforeAll(async () => {
    sched = new ManualScheduler(new ManualClock());
    sim = await startSim({ seed: 11, assets: ['SOL'], scheduler: sched, auto_dislocations: false });
    conn = new Connection(sim.urls.solana.http, { commitment: 'confirmed' });
    kp = Keypair.fromSecretKey(sim.solana.wallet.secretKey);
    sched.advance(800);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('quote pinned with dexes + onlyDirectRoutes routes through our pool; swap signs, lands and pays outAmount', async () => {
    const r = await get(`/swap/v1/quote?inputMint=${WSOL}&outputMint=${USDC}&amount=1000000000&slippageBps=50&dexes=Whirlpool&onlyDirectRoutes=true`);
    expect(r.status).toBe(200);
    const q = (await r.json()) as Quote;
    expect(q.routePlan).toHaveLength(1);
    expect(q.routePlan[0]!.swapInfo).toMatchObject({ ammKey: WHIRLPOOL, label: 'Whirlpool', inputMint: WSOL, outputMint: USDC });
    expect(q.mostReliableAmmsQuoteReport.info[WHIRLPOOL]).toBe(q.outAmount);
    expect(BigInt(q.otherAmountThreshold)).toBe((BigInt(q.outAmount) * 9950n) / 10_000n);
    expect(Number(q.outAmount) / 1e6).toBeGreaterThan(100);
    expect(q.contextSlot).toBe(await conn.getSlot());

    const s = await fetch(`${sim.urls.jupiter.http}/swap/v1/swap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quoteResponse: q, userPublicKey: kp.publicKey.toBase58(), wrapAndUnwrapSol: false, prioritizationFeeLamports: 10_000, dynamicComputeUnitLimit: true }),
    });
    expect(s.status).toBe(200);
    const body = (await s.json()) as { swapTransaction: string; lastValidBlockHeight: number; prioritizationFeeLamports: number };
    const tx = VersionedTransaction.deserialize(Buffer.from(body.swapTransaction, 'base64'));
    expect(tx.message.version).toBe(0);
    tx.sign([kp]);
    const sig = await conn.sendTransaction(tx);
    expect(await landWith(sched, conn, sig)).toBe(1);
    sched.advance(400);
    const got = await conn.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(got?.meta?.err).toBeNull();
    const keys = got!.transaction.message.staticAccountKeys.map((k) => k.toBase58());
    expect(tokenDelta(got!.meta!, keys.indexOf(ata(kp.publicKey.toBase58(), USDC)))).toBe(BigInt(q.outAmount));
    expect(tokenDelta(got!.meta!, keys.indexOf(ata(kp.publicKey.toBase58(), WSOL)))).toBe(-1_000_000_000n);
    expect(got!.meta!.fee).toBe(5000 + body.prioritizationFeeLamports);
  });

  it('Raydium route, ExactOut on the Whirlpool, and wrapAndUnwrapSol with native SOL input', async () => {
    const ray = (await (await get(`/quote?inputMint=${USDC}&outputMint=${WSOL}&amount=150000000&dexes=Raydium`)).json()) as Quote;
    expect(ray.routePlan[0]!.swapInfo.ammKey).toBe(AMM_V4);
    const eo = (await (await get(`/quote?inputMint=${USDC}&outputMint=${WSOL}&amount=1000000000&swapMode=ExactOut`)).json()) as Quote;
    expect(eo.swapMode).toBe('ExactOut');
    expect(eo.routePlan[0]!.swapInfo.ammKey).toBe(WHIRLPOOL);
    expect(eo.outAmount).toBe('1000000000');

    const q = (await (await get(`/quote?inputMint=${WSOL}&outputMint=${USDC}&amount=250000000&dexes=Raydium`)).json()) as Quote;
    const s = await fetch(`${sim.urls.jupiter.http}/swap`, { method: 'POST', body: JSON.stringify({ quoteResponse: q, userPublicKey: kp.publicKey.toBase58() }) });
    const tx = VersionedTransaction.deserialize(Buffer.from(((await s.json()) as { swapTransaction: string }).swapTransaction, 'base64'));
    tx.sign([kp]);
    const lamportsBefore = await conn.getBalance(kp.publicKey);
    const sig = await conn.sendTransaction(tx);
    expect(await landWith(sched, conn, sig)).toBe(1);
    sched.advance(400);
    const got = await conn.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(got?.meta?.err).toBeNull();
    const keys = got!.transaction.message.staticAccountKeys.map((k) => k.toBase58());
    expect(tokenDelta(got!.meta!, keys.indexOf(ata(kp.publicKey.toBase58(), USDC)))).toBe(BigInt(q.outAmount));
    // The wSOL ATA was closed at the end (unwrap): its whole balance came back as lamports.
    expect(await conn.getAccountInfo(new PublicKey(ata(kp.publicKey.toBase58(), WSOL)))).toBeNull();
    expect(await conn.getBalance(kp.publicKey)).toBeGreaterThan(lamportsBefore);
  });

  it('errors and faults: no route (400), bad params (400), injected 429 with rate-limit headers', async () => {
    const nr = await get(`/quote?inputMint=${WSOL}&outputMint=${USDC}&amount=1000&dexes=Meteora`);
    expect(nr.status).toBe(400);
    expect(await nr.json()).toEqual({ error: 'Could not find any route', errorCode: 'COULD_NOT_FIND_ANY_ROUTE' });
    expect((await get(`/quote?inputMint=${WSOL}&outputMint=${USDC}&amount=abc`)).status).toBe(400);
    const ok = await get('/program-id-to-label');
    expect(ok.headers.get('x-ratelimit-remaining')).not.toBeNull();
    sim.faults.inject({ venue: 'jupiter', kind: 'rate_limit', count: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await get(`/quote?inputMint=${WSOL}&outputMint=${USDC}&amount=1000`);
      expect(r.status).toBe(429);
      expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(r.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    }
    expect((await get(`/quote?inputMint=${WSOL}&outputMint=${USDC}&amount=1000`)).status).toBe(200);
  });
});
