import { getSwapInstructionDataEncoder } from '@orca-so/whirlpools-client';
import { PublicKey, SystemProgram, TransactionInstruction, TransactionMessage, VersionedTransaction } from '@solana/web3.js';
import { TICKS_PER_ARRAY, tickArrayStartIndex } from '../../../actors/venues/solana/dex/whirlpool/tick-math.ts';
import type { SolanaChain } from '../solana/chain.ts';
import {
  ATA_PROGRAM,
  COMPUTE_BUDGET_PROGRAM,
  OPENBOOK_PROGRAM,
  RAYDIUM_AMM_AUTHORITY,
  RAYDIUM_AMM_V4_PROGRAM,
  SYSTEM_PROGRAM,
  TOKEN_PROGRAM,
  WHIRLPOOL_PROGRAM,
  WSOL_MINT,
  ataAddress,
  oracleAddress,
  simAddress,
  tickArrayAddress,
} from '../solana/keys.ts';
import { ammV4Aux } from '../solana/raydium.ts';
import { readWhirlpool } from '../solana/whirlpool.ts';

export interface SwapRequest {
  quote: { inputMint: string; outputMint: string; inAmount: string; outAmount: string; swapMode: string; slippageBps: number; routePlan: { swapInfo: { ammKey: string } }[] };
  user: string;
  wrapAndUnwrapSol: boolean;
  asLegacyTransaction: boolean;
  dynamicComputeUnitLimit: boolean;
  /** Priority fee in lamports for the whole transaction (prioritizationFeeLamports as a number or its maxLamports). */
  priorityLamports: bigint | undefined;
  computeUnitPriceMicroLamports: bigint | undefined;
}

export class SwapBuildError extends Error {}

const pk = (s: string): PublicKey => new PublicKey(s);
const meta = (s: string, isWritable: boolean, isSigner = false): { pubkey: PublicKey; isSigner: boolean; isWritable: boolean } => ({ pubkey: pk(s), isSigner, isWritable });

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

function computeBudget(limit: number, microLamports: bigint): TransactionInstruction[] {
  const lim = Buffer.alloc(5);
  lim[0] = 2;
  lim.writeUInt32LE(limit, 1);
  const price = Buffer.concat([Buffer.from([3]), u64(microLamports)]);
  return [new TransactionInstruction({ programId: pk(COMPUTE_BUDGET_PROGRAM), keys: [], data: lim }), new TransactionInstruction({ programId: pk(COMPUTE_BUDGET_PROGRAM), keys: [], data: price })];
}

function createAtaIdempotent(payer: string, owner: string, mint: string): TransactionInstruction {
  return new TransactionInstruction({
    programId: pk(ATA_PROGRAM),
    keys: [meta(payer, true, true), meta(ataAddress(owner, mint), true), meta(owner, false), meta(mint, false), meta(SYSTEM_PROGRAM, false), meta(TOKEN_PROGRAM, false)],
    data: Buffer.from([1]),
  });
}

function whirlpoolSwapIx(chain: SolanaChain, ammKey: string, user: string, exactIn: boolean, amount: bigint, threshold: bigint, inputMint: string): TransactionInstruction {
  const pool = readWhirlpool(chain.accounts, ammKey);
  if (pool === undefined) throw new SwapBuildError(`pool ${ammKey} is not a Whirlpool`);
  const aToB = inputMint === pool.tokenMintA;
  const span = TICKS_PER_ARRAY * pool.tickSpacing;
  const start = tickArrayStartIndex(pool.tickCurrentIndex, pool.tickSpacing);
  const arrays = [0, 1, 2].map((k) => tickArrayAddress(ammKey, start + (aToB ? -k : k) * span));
  const data = Buffer.from(getSwapInstructionDataEncoder().encode({ amount, otherAmountThreshold: threshold, sqrtPriceLimit: 0n, amountSpecifiedIsInput: exactIn, aToB }));
  return new TransactionInstruction({
    programId: pk(WHIRLPOOL_PROGRAM),
    keys: [
      meta(TOKEN_PROGRAM, false), meta(user, false, true), meta(ammKey, true),
      meta(ataAddress(user, pool.tokenMintA), true), meta(pool.tokenVaultA, true),
      meta(ataAddress(user, pool.tokenMintB), true), meta(pool.tokenVaultB, true),
      ...arrays.map((a) => meta(a, true)), meta(oracleAddress(ammKey), true),
    ],
    data,
  });
}

function raydiumSwapIx(chain: SolanaChain, ammKey: string, user: string, amountIn: bigint, minOut: bigint, inputMint: string, outputMint: string): TransactionInstruction {
  const spec = chain.pools.ammV4.find((p) => p.spec.address === ammKey)?.spec;
  if (spec === undefined) throw new SwapBuildError(`pool ${ammKey} is not a simulated Raydium AMM v4 pool`);
  const aux = ammV4Aux(spec);
  const market = (s: string): string => simAddress(`raydium:${ammKey}:market:${s}`);
  return new TransactionInstruction({
    programId: pk(RAYDIUM_AMM_V4_PROGRAM),
    keys: [
      meta(TOKEN_PROGRAM, false), meta(ammKey, true), meta(RAYDIUM_AMM_AUTHORITY, false), meta(aux.openOrders, true), meta(aux.targetOrders, true),
      meta(aux.coinVault, true), meta(aux.pcVault, true), meta(OPENBOOK_PROGRAM, false), meta(aux.market, true),
      meta(market('bids'), true), meta(market('asks'), true), meta(market('event_queue'), true), meta(market('coin_vault'), true), meta(market('pc_vault'), true), meta(market('vault_signer'), false),
      meta(ataAddress(user, inputMint), true), meta(ataAddress(user, outputMint), true), meta(user, false, true),
    ],
    data: Buffer.concat([Buffer.from([9]), u64(amountIn), u64(minOut)]),
  });
}

/**
 * POST /swap: an unsigned transaction (v0 without lookup tables, or legacy) that the user signs. It
 * calls the pool program directly instead of Jupiter's aggregator program (JUP6…): the simulator has
 * no router to execute, and the balance changes a client verifies are the same.
 */
export function buildSwap(chain: SolanaChain, r: SwapRequest): { tx: string; lastValidBlockHeight: number; computeUnitLimit: number; priorityLamports: bigint; microLamports: bigint } {
  const q = r.quote;
  if (q.routePlan.length !== 1) throw new SwapBuildError('the simulator builds single-hop routes only');
  const ammKey = q.routePlan[0]!.swapInfo.ammKey;
  const exactIn = q.swapMode !== 'ExactOut';
  const inAmount = BigInt(q.inAmount);
  const outAmount = BigInt(q.outAmount);
  const bps = BigInt(q.slippageBps);
  // As the spec says, /swap rebuilds the limit from outAmount/inAmount and slippageBps (otherAmountThreshold is not read).
  const threshold = exactIn ? (outAmount * (10_000n - bps)) / 10_000n : (inAmount * (10_000n + bps) + 9_999n) / 10_000n;
  const unitLimit = r.dynamicComputeUnitLimit ? 150_000 : 1_400_000;
  const micro = r.computeUnitPriceMicroLamports ?? (r.priorityLamports !== undefined ? (r.priorityLamports * 1_000_000n) / BigInt(unitLimit) : 0n);
  const ixs: TransactionInstruction[] = [...computeBudget(unitLimit, micro)];
  const wrapIn = r.wrapAndUnwrapSol && q.inputMint === WSOL_MINT;
  const unwrap = r.wrapAndUnwrapSol && (q.inputMint === WSOL_MINT || q.outputMint === WSOL_MINT);
  ixs.push(createAtaIdempotent(r.user, r.user, q.inputMint));
  if (wrapIn) {
    const ata = ataAddress(r.user, WSOL_MINT);
    const maxIn = exactIn ? inAmount : threshold;
    ixs.push(SystemProgram.transfer({ fromPubkey: pk(r.user), toPubkey: pk(ata), lamports: maxIn }));
    ixs.push(new TransactionInstruction({ programId: pk(TOKEN_PROGRAM), keys: [meta(ata, true)], data: Buffer.from([17]) }));
  }
  ixs.push(createAtaIdempotent(r.user, r.user, q.outputMint));
  const owner = chain.accounts.get(ammKey)?.owner;
  if (owner === WHIRLPOOL_PROGRAM) ixs.push(whirlpoolSwapIx(chain, ammKey, r.user, exactIn, exactIn ? inAmount : outAmount, threshold, q.inputMint));
  else if (owner === RAYDIUM_AMM_V4_PROGRAM && exactIn) ixs.push(raydiumSwapIx(chain, ammKey, r.user, inAmount, threshold, q.inputMint, q.outputMint));
  else throw new SwapBuildError(`route ${ammKey} (${q.swapMode}) is not one the simulator can build`);
  if (unwrap) {
    const ata = ataAddress(r.user, WSOL_MINT);
    ixs.push(new TransactionInstruction({ programId: pk(TOKEN_PROGRAM), keys: [meta(ata, true), meta(r.user, true), meta(r.user, false, true)], data: Buffer.from([9]) }));
  }
  const { blockhash, lastValidBlockHeight } = chain.latestBlockhash();
  const msg = new TransactionMessage({ payerKey: pk(r.user), recentBlockhash: blockhash, instructions: ixs });
  const tx = new VersionedTransaction(r.asLegacyTransaction ? msg.compileToLegacyMessage() : msg.compileToV0Message());
  return {
    tx: Buffer.from(tx.serialize()).toString('base64'),
    lastValidBlockHeight,
    computeUnitLimit: unitLimit,
    priorityLamports: (micro * BigInt(unitLimit) + 999_999n) / 1_000_000n,
    microLamports: micro,
  };
}
