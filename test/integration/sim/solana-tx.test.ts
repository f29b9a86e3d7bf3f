import { swapQuoteByInputToken } from '@orca-so/whirlpools-core';
import { Connection, Keypair, PublicKey, SendTransactionError } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.ts';
import { ManualScheduler, type Sim, startSim } from '../../../src/sim/index.ts';
import { USDC, WSOL, ata, landWith, rawRpc, readPool, tokenDelta, whirlpoolSwapTx } from './solana-helpers.ts';

// A manual scheduler makes slots advance only when the test says so: the state a transaction lands
// against is exactly the state the test read, so the expected amounts can be computed exactly.
describe('Solana sendTransaction against the simulated pools', () => {
  let sim: Sim;
  let sched: ManualScheduler;
  let conn: Connection;
  let kp: Keypair;

  beforeAll(async () => {
    sched = new ManualScheduler(new ManualClock());
    sim = await startSim({ seed: 7, assets: ['SOL'], scheduler: sched, auto_dislocations: false });
    conn = new Connection(sim.urls.solana.http, { commitment: 'confirmed', wsEndpoint: sim.urls.solana.ws });
    kp = Keypair.fromSecretKey(sim.solana.wallet.secretKey);
    sched.advance(800);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('a signed swap lands; getTransaction shows token balance changes equal to whirlpools-core', async () => {
    const view = await readPool(conn);
    const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash();
    const amount = 2_000_000_000n; // 2 SOL
    const nowSec = BigInt(Math.floor(sched.clock.nowMs() / 1000));
    const expected = swapQuoteByInputToken(amount, true, 0, view.pool, undefined, view.arrays, nowSec);
    const tx = whirlpoolSwapTx(view, kp, blockhash, lastValidBlockHeight, amount, (expected.tokenEstOut * 99n) / 100n, true);
    const sig = await conn.sendRawTransaction(tx.serialize());
    expect(await landWith(sched, conn, sig)).toBe(1);
    sched.advance(400); // getTransaction needs "confirmed"
    const got = await conn.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(got?.meta?.err).toBeNull();
    const keys = got!.transaction.message.staticAccountKeys.map((k) => k.toBase58());
    const user = kp.publicKey.toBase58();
    expect(tokenDelta(got!.meta!, keys.indexOf(ata(user, WSOL)))).toBe(-amount);
    expect(tokenDelta(got!.meta!, keys.indexOf(ata(user, USDC)))).toBe(expected.tokenEstOut);
    expect(tokenDelta(got!.meta!, keys.indexOf(view.pool.tokenVaultA))).toBe(amount);
    expect(tokenDelta(got!.meta!, keys.indexOf(view.pool.tokenVaultB))).toBe(-expected.tokenEstOut);
    expect(got!.meta!.fee).toBe(5000);
    expect(got!.meta!.postBalances[0]).toBe(got!.meta!.preBalances[0]! - 5000);
    const status = await conn.getSignatureStatuses([sig]);
    expect(status.value[0]).toMatchObject({ err: null, confirmationStatus: 'confirmed' });
  });

  it('rejects a bad signature with -32003 and an expired blockhash with -32002 BlockhashNotFound', async () => {
    const view = await readPool(conn);
    const bh = await conn.getLatestBlockhash();
    const tx = whirlpoolSwapTx(view, kp, bh.blockhash, bh.lastValidBlockHeight, 1_000_000n, 0n, true);
    const wire = tx.serialize();
    const bad = Uint8Array.from(wire);
    bad[5] ^= 0xff; // inside the first signature
    const r1 = await rawRpc(sim.urls.solana.http, 'sendTransaction', [Buffer.from(bad).toString('base64'), { encoding: 'base64' }]);
    expect(r1.error).toEqual({ code: -32003, message: 'Transaction signature verification failure' });
    await expect(conn.sendRawTransaction(bad)).rejects.toBeInstanceOf(SendTransactionError);

    // 151 blocks later the blockhash is past lastValidBlockHeight.
    for (let h = await conn.getBlockHeight(); h <= bh.lastValidBlockHeight; h = await conn.getBlockHeight()) sched.advance(400 * 20);
    const r2 = await rawRpc(sim.urls.solana.http, 'sendTransaction', [Buffer.from(wire).toString('base64'), { encoding: 'base64' }]);
    expect(r2.error?.code).toBe(-32002);
    expect(r2.error?.message).toBe('Transaction simulation failed: Blockhash not found');
    expect((r2.error?.data as { err: unknown }).err).toBe('BlockhashNotFound');
    // With skipPreflight the node accepts it, and it never lands.
    const sig = await conn.sendRawTransaction(wire, { skipPreflight: true });
    expect(await landWith(sched, conn, sig, 3)).toBe(-1);
  });

  it('a min-out violation fails like the program: preflight -32002 custom 0x1794, or landed with InstructionError and only the fee taken', async () => {
    const view = await readPool(conn);
    const bh = await conn.getLatestBlockhash();
    const amount = 500_000_000n;
    const nowSec = BigInt(Math.floor(sched.clock.nowMs() / 1000));
    const est = swapQuoteByInputToken(amount, true, 0, view.pool, undefined, view.arrays, nowSec).tokenEstOut;
    const tx = whirlpoolSwapTx(view, kp, bh.blockhash, bh.lastValidBlockHeight, amount, est + 1n, true);
    const r = await rawRpc(sim.urls.solana.http, 'sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64' }]);
    expect(r.error?.code).toBe(-32002);
    expect(r.error?.message).toBe('Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1794');
    expect((r.error?.data as { err: unknown }).err).toEqual({ InstructionError: [0, { Custom: 6036 }] });

    const usdcBefore = (await conn.getTokenAccountBalance(new PublicKey(ata(kp.publicKey.toBase58(), USDC)))).value.amount;
    const sig = await conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
    expect(await landWith(sched, conn, sig)).toBe(1);
    sched.advance(400);
    const got = await conn.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(got?.meta?.err).toEqual({ InstructionError: [0, { Custom: 6036 }] });
    expect(got?.meta?.logMessages?.some((l) => l.includes('custom program error: 0x1794'))).toBe(true);
    expect(got?.meta?.postBalances[0]).toBe(got!.meta!.preBalances[0]! - 5000);
    expect((await conn.getTokenAccountBalance(new PublicKey(ata(kp.publicKey.toBase58(), USDC)))).value.amount).toBe(usdcBefore);
  });

  it('faults: fail_tx lands failed, slow_land lands N slots late, drop_tx never lands', async () => {
    const send = async (amount: bigint): Promise<string> => {
      const view = await readPool(conn);
      const bh = await conn.getLatestBlockhash();
      return conn.sendRawTransaction(whirlpoolSwapTx(view, kp, bh.blockhash, bh.lastValidBlockHeight, amount, 0n, true).serialize(), { skipPreflight: true });
    };
    sim.faults.inject({ venue: 'solana', kind: 'fail_tx' });
    const s1 = await send(1_000_001n);
    expect(await landWith(sched, conn, s1)).toBe(1);
    expect((await conn.getSignatureStatuses([s1])).value[0]?.err).toEqual({ InstructionError: [0, { Custom: 6036 }] });

    sim.faults.inject({ venue: 'solana', kind: 'slow_land', slots: 3 });
    const s2 = await send(1_000_002n);
    expect(await landWith(sched, conn, s2)).toBe(4);

    sim.faults.inject({ venue: 'solana', kind: 'drop_tx' });
    const s3 = await send(1_000_003n);
    expect(await landWith(sched, conn, s3, 4)).toBe(-1);
  });
});
