import { getFixedTickArrayDecoder, getSwapInstructionDataEncoder, getTickArrayAddress, getWhirlpoolDecoder, type FixedTickArray, type Whirlpool } from '@orca-so/whirlpools-client';
import { type TickArrayFacade, getTickArrayStartTickIndex } from '@orca-so/whirlpools-core';
import { address } from '@solana/kit';
import { type Connection, type Keypair, PublicKey, Transaction, TransactionInstruction } from '@solana/web3.js';
import type { ManualScheduler } from '../../../src/sim/index.ts';

export const WHIRLPOOL = 'Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE';
export const AMM_V4 = '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2';
export const WHIRLPOOL_PROGRAM = 'whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc';
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const WSOL = 'So11111111111111111111111111111111111111112';
export const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

export function ata(owner: string, mint: string): string {
  return PublicKey.findProgramAddressSync(
    [new PublicKey(owner).toBuffer(), new PublicKey(TOKEN_PROGRAM).toBuffer(), new PublicKey(mint).toBuffer()],
    new PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL'),
  )[0].toBase58();
}

/** JSON-RPC over fetch, for asserting on raw error shapes. */
export async function rawRpc(url: string, method: string, params: unknown[] = []): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await r.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
}

export interface PoolView {
  pool: Whirlpool;
  /** Five arrays around the current tick, decoded by the official client (missing ones as empty). */
  arrays: TickArrayFacade[];
  addresses: string[];
}

const EMPTY_TICK = { initialized: false, liquidityNet: 0n, liquidityGross: 0n, feeGrowthOutsideA: 0n, feeGrowthOutsideB: 0n, rewardGrowthsOutside: [0n, 0n, 0n] };

/** Read the pool and its tick arrays through the RPC as a client would, decoding with @orca-so/whirlpools-client. */
export async function readPool(conn: Connection): Promise<PoolView> {
  const info = await conn.getAccountInfo(new PublicKey(WHIRLPOOL));
  if (info === null) throw new Error('pool missing');
  const pool = getWhirlpoolDecoder().decode(info.data);
  const start = getTickArrayStartTickIndex(pool.tickCurrentIndex, pool.tickSpacing);
  const span = 88 * pool.tickSpacing;
  const starts = [-2, -1, 0, 1, 2].map((k) => start + k * span);
  const addresses = await Promise.all(starts.map(async (s) => (await getTickArrayAddress(address(WHIRLPOOL), s))[0] as string));
  const infos = await conn.getMultipleAccountsInfo(addresses.map((a) => new PublicKey(a)));
  const arrays = infos.map((a, i): TickArrayFacade => {
    if (a === null) return { startTickIndex: starts[i]!, ticks: Array.from({ length: 88 }, () => ({ ...EMPTY_TICK })) };
    const d: FixedTickArray = getFixedTickArrayDecoder().decode(a.data);
    return { startTickIndex: d.startTickIndex, ticks: d.ticks };
  });
  return { pool, arrays, addresses };
}

/** A signed legacy transaction with one Whirlpool `swap` (v1) instruction, exact-in. */
export function whirlpoolSwapTx(view: PoolView, kp: Keypair, blockhash: string, lastValidBlockHeight: number, amount: bigint, minOut: bigint, aToB: boolean): Transaction {
  const user = kp.publicKey.toBase58();
  const cur = view.addresses[2]!;
  const seq = aToB ? [cur, view.addresses[1]!, view.addresses[0]!] : [cur, view.addresses[3]!, view.addresses[4]!];
  const k = (s: string, w: boolean, signer = false): { pubkey: PublicKey; isSigner: boolean; isWritable: boolean } => ({ pubkey: new PublicKey(s), isSigner: signer, isWritable: w });
  const ix = new TransactionInstruction({
    programId: new PublicKey(WHIRLPOOL_PROGRAM),
    keys: [
      k(TOKEN_PROGRAM, false), k(user, false, true), k(WHIRLPOOL, true),
      k(ata(user, WSOL), true), k(view.pool.tokenVaultA, true), k(ata(user, USDC), true), k(view.pool.tokenVaultB, true),
      ...seq.map((s) => k(s, true)), k(PublicKey.findProgramAddressSync([Buffer.from('oracle'), new PublicKey(WHIRLPOOL).toBuffer()], new PublicKey(WHIRLPOOL_PROGRAM))[0].toBase58(), true),
    ],
    data: Buffer.from(getSwapInstructionDataEncoder().encode({ amount, otherAmountThreshold: minOut, sqrtPriceLimit: 0n, amountSpecifiedIsInput: true, aToB })),
  });
  const tx = new Transaction({ feePayer: kp.publicKey, blockhash, lastValidBlockHeight }).add(ix);
  tx.sign(kp);
  return tx;
}

/** Step the manual scheduler slot by slot until the signature has a status (or give up). */
export async function landWith(sched: ManualScheduler, conn: Connection, sig: string, maxSlots = 10): Promise<number> {
  for (let i = 0; i < maxSlots; i++) {
    sched.advance(400);
    const st = await conn.getSignatureStatuses([sig]);
    if (st.value[0] !== null) return i + 1;
  }
  return -1;
}

export function tokenDelta(meta: { preTokenBalances?: { accountIndex: number; uiTokenAmount: { amount: string } }[] | null; postTokenBalances?: { accountIndex: number; uiTokenAmount: { amount: string } }[] | null }, index: number): bigint {
  const pre = meta.preTokenBalances?.find((b) => b.accountIndex === index)?.uiTokenAmount.amount ?? '0';
  const post = meta.postTokenBalances?.find((b) => b.accountIndex === index)?.uiTokenAmount.amount ?? '0';
  return BigInt(post) - BigInt(pre);
}
