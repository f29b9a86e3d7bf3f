import { getFixedTickArrayDecoder, getWhirlpoolDecoder } from '@orca-so/whirlpools-client';
import { sqrtPriceToPrice } from '@orca-so/whirlpools-core';
import { Connection, PublicKey } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAmmV4 } from '../../../src/actors/venues/solana/dex/raydium-amm/decode.ts';
import { ammV4Reserves } from '../../../src/actors/venues/solana/dex/raydium-amm/quote.ts';
import { readTokenAmount } from '../../../src/actors/venues/solana/dex/spl-token/decode.ts';
import { decodeTickArray, decodeWhirlpool } from '../../../src/actors/venues/solana/dex/whirlpool/decode.ts';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { AMM_V4, USDC, WHIRLPOOL, WHIRLPOOL_PROGRAM, WSOL, rawRpc, readPool } from './solana-helpers.ts';
import { connect, sleep } from './ws-client.ts';

const b64 = (v: { data: [string, string] }): Uint8Array => Buffer.from(v.data[0], 'base64');

describe('Solana JSON-RPC and PubSub (real timers)', () => {
  let sim: Sim;
  let conn: Connection;

  beforeAll(async () => {
    sim = await startSim({ seed: 3, assets: ['SOL'], auto_dislocations: false });
    conn = new Connection(sim.urls.solana.http, { commitment: 'confirmed', wsEndpoint: sim.urls.solana.ws });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('serves the pools with real layouts: official and in-repo decoders agree; slots advance ~400 ms', async () => {
    const s0 = await conn.getSlot();
    const keys = [WHIRLPOOL, AMM_V4].map((k) => new PublicKey(k));
    const r = await rawRpc(sim.urls.solana.http, 'getMultipleAccounts', [keys.map((k) => k.toBase58()), { encoding: 'base64', commitment: 'processed' }]);
    const res = r.result as { context: { slot: number }; value: { owner: string; data: [string, string]; space: number }[] };
    expect(res.context.slot).toBeGreaterThanOrEqual(s0);
    const [wp, amm] = res.value as [{ owner: string; data: [string, string]; space: number }, { owner: string; data: [string, string]; space: number }];
    expect(wp.owner).toBe(WHIRLPOOL_PROGRAM);
    expect(wp.space).toBe(653);
    const official = getWhirlpoolDecoder().decode(b64(wp));
    const ours = decodeWhirlpool(b64(wp), { owner: wp.owner });
    expect(ours.sqrtPrice).toBe(official.sqrtPrice);
    expect(ours.tickCurrentIndex).toBe(official.tickCurrentIndex);
    expect(official.tokenMintA).toBe(WSOL);
    expect(official.tokenMintB).toBe(USDC);
    expect([official.tickSpacing, official.feeRate, official.protocolFeeRate]).toEqual([4, 400, 1300]);
    const price = sqrtPriceToPrice(official.sqrtPrice, 9, 6);
    expect(Math.abs(price / sim.market.dexPrice('SOL') - 1)).toBeLessThan(0.002);

    const ammPool = decodeAmmV4(b64(amm), { owner: amm.owner });
    expect([ammPool.baseMint, ammPool.quoteMint, ammPool.baseDecimal, ammPool.quoteDecimal]).toEqual([WSOL, USDC, 9n, 6n]);
    const vaults = await conn.getMultipleAccountsInfo([new PublicKey(ammPool.baseVault), new PublicKey(ammPool.quoteVault)]);
    const rv = ammV4Reserves(ammPool, readTokenAmount(vaults[0]!.data, { owner: vaults[0]!.owner.toBase58() }), readTokenAmount(vaults[1]!.data, { owner: vaults[1]!.owner.toBase58() }));
    const ammPrice = (Number(rv.quote) / Number(rv.base)) * 1e3;
    expect(Math.abs(ammPrice / price - 1)).toBeLessThan(0.003);

    const view = await readPool(conn);
    const cur = await conn.getAccountInfo(new PublicKey(view.addresses[2]!));
    const ta = getFixedTickArrayDecoder().decode(cur!.data);
    expect(cur!.data.length).toBe(9988);
    expect(decodeTickArray(cur!.data, { owner: cur!.owner.toBase58() }).startTickIndex).toBe(ta.startTickIndex);
    expect(view.arrays.flatMap((a) => a.ticks).filter((t) => t.initialized).length).toBeGreaterThan(10);

    const s2 = await conn.getSlot();
    await sleep(1_300);
    const s1 = await conn.getSlot();
    expect(s1 - s2).toBeGreaterThanOrEqual(2);
    expect(s1 - s2).toBeLessThanOrEqual(5);
  });

  it('accountSubscribe notifies pool and vault changes with context.slot; a DEX dislocation shows on chain', async () => {
    const c = await connect(sim.urls.solana.ws);
    const view = await readPool(conn);
    c.send({ jsonrpc: '2.0', id: 1, method: 'accountSubscribe', params: [WHIRLPOOL, { encoding: 'base64', commitment: 'processed' }] });
    c.send({ jsonrpc: '2.0', id: 2, method: 'accountSubscribe', params: [view.pool.tokenVaultB, { encoding: 'base64', commitment: 'processed' }] });
    const ack = await c.next<{ result: number }>((m) => m.id === 1);
    const ack2 = await c.next<{ result: number }>((m) => m.id === 2);
    type Note = { params: { subscription: number; result: { context: { slot: number }; value: { data: [string, string]; owner: string } } } };
    const n1 = await c.next<Note>((m) => m.method === 'accountNotification' && (m as unknown as Note).params.subscription === ack.result);
    const n2 = await c.next<Note>((m) => m.method === 'accountNotification' && (m as unknown as Note).params.subscription === ack2.result);
    expect(n1.params.result.value.owner).toBe(WHIRLPOOL_PROGRAM);
    expect(n2.params.result.context.slot).toBe(n1.params.result.context.slot);
    const before = getWhirlpoolDecoder().decode(b64(n1.params.result.value));

    sim.market.dislocate({ asset: 'SOL', venue: 'dex', bps: 150, duration_ms: 2_000 });
    const from = c.messages.length;
    await sleep(1_000);
    const notes = c.messages.slice(from).filter((m) => (m as Note).params?.subscription === ack.result) as Note[];
    expect(notes.length).toBeGreaterThanOrEqual(1);
    const slots = notes.map((n) => n.params.result.context.slot);
    expect([...slots].sort((a, b) => a - b)).toEqual(slots);
    const after = getWhirlpoolDecoder().decode(b64(notes[notes.length - 1]!.params.result.value));
    const move = sqrtPriceToPrice(after.sqrtPrice, 9, 6) / sqrtPriceToPrice(before.sqrtPrice, 9, 6) - 1;
    expect(move).toBeGreaterThan(0.01); // the +150 bps gap is on chain, not just in the model

    c.send({ jsonrpc: '2.0', id: 3, method: 'accountUnsubscribe', params: [ack.result] });
    expect((await c.next<{ result: boolean }>((m) => m.id === 3)).result).toBe(true);
    c.send({ jsonrpc: '2.0', id: 4, method: 'accountUnsubscribe', params: [ack.result] });
    expect((await c.next<{ error: { code: number } }>((m) => m.id === 4)).error.code).toBe(-32602);
    await c.close();
  });

  it('web3.js onAccountChange, blockhash/height, fees, balances, and error shapes', async () => {
    const changes: number[] = [];
    const id = conn.onAccountChange(new PublicKey(WHIRLPOOL), (_acc, ctx) => changes.push(ctx.slot), { commitment: 'processed', encoding: 'base64' });
    const bh = await conn.getLatestBlockhash();
    expect(bh.lastValidBlockHeight - (await conn.getBlockHeight())).toBeLessThanOrEqual(150);
    const fees = await conn.getRecentPrioritizationFees({ lockedWritableAccounts: [new PublicKey(WHIRLPOOL)] });
    expect(fees.length).toBeGreaterThan(0);
    const wallet = new PublicKey(sim.solana.wallet.publicKey);
    expect(await conn.getBalance(wallet)).toBe(100_000_000_000);
    const tokens = await conn.getTokenAccountsByOwner(wallet, { mint: new PublicKey(USDC) });
    expect(tokens.value).toHaveLength(1);
    await sleep(1_000);
    await conn.removeAccountChangeListener(id);
    expect(changes.length).toBeGreaterThanOrEqual(1);

    const many = Array.from({ length: 101 }, () => WHIRLPOOL);
    expect((await rawRpc(sim.urls.solana.http, 'getMultipleAccounts', [many, { encoding: 'base64' }])).error).toEqual({ code: -32602, message: 'Too many inputs provided; max 100' });
    expect((await rawRpc(sim.urls.solana.http, 'getFoo')).error).toEqual({ code: -32601, message: 'Method not found' });
    expect((await rawRpc(sim.urls.solana.http, 'getAccountInfo', ['not-a-key'])).error?.code).toBe(-32602);
    expect((await rawRpc(sim.urls.solana.http, 'getAccountInfo', [WHIRLPOOL, { encoding: 'base58' }])).error?.message).toMatch(/base 58/);
    expect((await rawRpc(sim.urls.solana.http, 'getSlot', [{ minContextSlot: 1e12 }])).error?.code).toBe(-32016);
  });

  it('faults: RPC delay holds HTTP answers; drop kills PubSub sockets (1006)', async () => {
    sim.faults.inject({ venue: 'solana', kind: 'delay', delay_ms: 300, duration_ms: 600 });
    const t0 = Date.now();
    await conn.getSlot();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    await sleep(700);
    const c = await connect(sim.urls.solana.ws);
    sim.faults.inject({ venue: 'solana', kind: 'drop' });
    expect((await c.closed).code).toBe(1006);
  });
});
