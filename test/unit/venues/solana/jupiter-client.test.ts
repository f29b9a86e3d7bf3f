import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JupiterClient, JupiterCode, rateLimitWaitMs, type JupiterQuote } from '../../../../src/actors/venues/solana/jupiter/client.ts';
import { assertPinned, labelsFrom, pinnedQuote, pinnedSwap } from '../../../../src/actors/venues/solana/jupiter/route-pin.ts';
import { ManualClock, seededRandom } from '../../../../src/shared/clock.ts';

const SOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const POOL = 'Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE';
const OTHER = 'HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ';
const pool = { program: 'whirlpool' as const, pool_address: POOL, slippage_bps_cap: 75 };

// Reference §4 response shape (amounts as strings), one hop through `amm`.
const quoteBody = (u: URL, amm: string, hops = 1) => ({
  inputMint: u.searchParams.get('inputMint'), inAmount: u.searchParams.get('amount'), outputMint: u.searchParams.get('outputMint'), outAmount: '152022516',
  otherAmountThreshold: '150882347', swapMode: 'ExactIn', slippageBps: Number(u.searchParams.get('slippageBps')), platformFee: null, priceImpactPct: '0.0001',
  routePlan: Array.from({ length: hops }, () => ({ swapInfo: { ammKey: amm, label: 'Whirlpool', inputMint: u.searchParams.get('inputMint'), outputMint: u.searchParams.get('outputMint'), inAmount: u.searchParams.get('amount'), outAmount: '152022516', feeAmount: '400000', feeMint: SOL }, percent: 100 })),
  contextSlot: 351642304, timeTaken: 0.0012, mostReliableAmmsQuoteReport: { info: { [POOL]: '152022516' } },
});

describe('Jupiter v1 client and route pinning', () => {
  let server: Server;
  let base = '';
  let mode: { status?: number; headers?: Record<string, string>; amm?: string; hops?: number; count429?: number } = {};
  const seen: { url: URL; body: string }[] = [];
  const clock = new ManualClock(0, 1_700_000_000_000);
  const client = () => new JupiterClient({ baseUrl: `${base}/swap/v1`, apiKey: 'k', clock, random: seededRandom(1), sleep: async (ms) => clock.advanceMs(ms) });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const u = new URL(req.url!, 'http://x');
        seen.push({ url: u, body });
        if (mode.count429 !== undefined && mode.count429 > 0) {
          mode.count429--;
          res.writeHead(429, mode.headers ?? {});
          res.end('{"code":429}');
          return;
        }
        res.writeHead(mode.status ?? 200, { 'content-type': 'application/json', 'x-api-key-seen': String(req.headers['x-api-key']), ...(mode.status ? {} : mode.headers ?? {}) });
        if (u.pathname.endsWith('/swap')) res.end(JSON.stringify({ swapTransaction: 'AQID', lastValidBlockHeight: 123, prioritizationFeeLamports: 5000, computeUnitLimit: 200000 }));
        else if (mode.status === 400) res.end(JSON.stringify({ error: 'Could not find any route', errorCode: 'COULD_NOT_FIND_ANY_ROUTE' }));
        else res.end(JSON.stringify(quoteBody(u, mode.amm ?? POOL, mode.hops)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    mode = {};
    seen.length = 0;
  });

  it('asks for one hop on our venue with the capped slippage and parses amounts exactly', async () => {
    const c = client();
    const q = await pinnedQuote(c, pool, { inputMint: SOL, outputMint: USDC, amount: 1_000_000_000n });
    const p = seen[0]!.url;
    expect(p.pathname).toBe('/swap/v1/quote');
    expect(Object.fromEntries(p.searchParams)).toEqual({ inputMint: SOL, outputMint: USDC, amount: '1000000000', slippageBps: '75', swapMode: 'ExactIn', dexes: 'Whirlpool', onlyDirectRoutes: 'true' });
    expect(q.outAmount).toBe(152022516n);
    expect(q.routePlan[0]!.ammKey).toBe(POOL);
    expect(q.ammReport.get(POOL)).toBe(152022516n);
    expect(q.contextSlot).toBe(351642304);
    await c.close();
  });

  it('refuses a route through another pool or over two hops with JUPITER_NOT_PINNED', async () => {
    const c = client();
    mode = { amm: OTHER };
    await expect(pinnedQuote(c, pool, { inputMint: SOL, outputMint: USDC, amount: 1n })).rejects.toMatchObject({ code: JupiterCode.NotPinned });
    mode = { hops: 2 };
    await expect(pinnedQuote(c, pool, { inputMint: SOL, outputMint: USDC, amount: 1n })).rejects.toMatchObject({ code: JupiterCode.NotPinned });
    await c.close();
  });

  it('refuses a slippage above the pool cap before asking', async () => {
    const c = client();
    await expect(pinnedQuote(c, pool, { inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 100 })).rejects.toMatchObject({ code: JupiterCode.SlippageCap });
    expect(seen).toHaveLength(0);
    await c.close();
  });

  it('maps no-route answers to JUPITER_NO_ROUTE', async () => {
    const c = client();
    mode = { status: 400 };
    await expect(c.quote({ inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 50 })).rejects.toMatchObject({ code: JupiterCode.NoRoute });
    await c.close();
  });

  it('on 429 closes the gate for retry-after and fails fast while it is closed', async () => {
    const c = client();
    mode = { count429: 1, headers: { 'retry-after': '2' } };
    const err = await c.quote({ inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 50 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: JupiterCode.RateLimited, retryAfterMs: 2000 });
    expect(c.gateMs()).toBe(2000);
    await expect(c.quote({ inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 50 })).rejects.toMatchObject({ code: JupiterCode.RateLimited });
    expect(seen).toHaveLength(1); // the second call never reached the network
    clock.advanceMs(2000);
    await expect(c.quote({ inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 50 })).resolves.toBeDefined();
    await c.close();
  });

  it('waits out a 429 when the caller allows it, and stops at remaining 0 until the reset', async () => {
    const c = client();
    mode = { count429: 1, headers: { 'x-ratelimit-reset': '3' } };
    const q = await c.quote({ inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 50 }, { maxWaitMs: 5_000 });
    expect(q.outAmount).toBe(152022516n);
    expect(seen).toHaveLength(2);
    const reset = String(Math.ceil(clock.nowMs() / 1000) + 10);
    mode = { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } };
    await c.quote({ inputMint: SOL, outputMint: USDC, amount: 1n, slippageBps: 50 });
    expect(c.gateMs()).toBeGreaterThan(9_000);
    await c.close();
  });

  it('reads rate-limit headers: retry-after seconds or date, reset as epoch or delta', () => {
    const now = 1_700_000_000_000;
    expect(rateLimitWaitMs({ 'retry-after': '1.5' }, now)).toBe(1500);
    expect(rateLimitWaitMs({ 'retry-after': new Date(now + 4000).toUTCString() }, now)).toBe(4000);
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(now / 1000 + 7) }, now)).toBe(7000);
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': '7' }, now)).toBe(7000);
    expect(rateLimitWaitMs({}, now)).toBeUndefined();
  });

  it('swap sends the quote back unchanged after re-checking the pin', async () => {
    const c = client();
    const q = await pinnedQuote(c, pool, { inputMint: SOL, outputMint: USDC, amount: 5n });
    const r = await pinnedSwap(c, pool, { quote: q, userPublicKey: OTHER });
    expect(r.swapTransaction).toBe('AQID');
    const body = JSON.parse(seen.at(-1)!.body) as { quoteResponse: unknown; userPublicKey: string; dynamicComputeUnitLimit: boolean };
    expect(body.quoteResponse).toEqual(q.raw);
    expect(body.dynamicComputeUnitLimit).toBe(true);
    const foreign: JupiterQuote = { ...q, routePlan: [{ ...q.routePlan[0]!, ammKey: OTHER }] };
    expect(() => assertPinned(foreign, pool, foreign)).toThrow(/not pinned/);
    await c.close();
  });

  it('maps labels from /program-id-to-label by program id', () => {
    expect(labelsFrom({ whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc: 'Whirlpool', CPMMoo8L3F4NbTegBCKVNunggL7H1ZpdTHKxQB5qKP1C: 'Raydium CPMM' })).toEqual({ whirlpool: 'Whirlpool', raydium_amm: 'Raydium', raydium_cpmm: 'Raydium CPMM' });
  });
});
