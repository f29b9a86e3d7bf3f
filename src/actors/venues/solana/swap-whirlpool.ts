import { AccountsType, getSwapV2Instruction } from '@orca-so/whirlpools-client';
import { address, createNoopSigner } from '@solana/kit';
import { PublicKey } from '@solana/web3.js';
import { CambistError } from '../../../shared/errors.ts';
import { decodeWhirlpool } from './dex/whirlpool/decode.ts';
import { MAX_TICK_INDEX, MIN_TICK_INDEX, TICKS_PER_ARRAY, tickArrayStartIndex } from './dex/whirlpool/tick-math.ts';
import { WHIRLPOOL_PROGRAM_ID } from './dex/programs.ts';
import { type BuiltSwap, type RpcCall, type SwapBuilder, type SwapIntent, TOKEN_PROGRAM, TxCode, ataAddress, computeBudgetIxs, fromKitInstruction, pda, readAccount } from './tx.ts';
import type { SolanaWallet } from './wallet.ts';

/**
 * Orca Whirlpool `swap_v2` built with @orca-so/whirlpools-client's `getSwapV2Instruction` (the
 * official account order and Borsh layout; the simulator decodes it with the same package).
 *
 * Tick arrays: the pool is read at build time and the three arrays the program walks in the swap
 * direction are passed (current, +1, +2 spans), plus two supplemental arrays (one behind, one further
 * ahead) in `remainingAccountsInfo`. The transaction lands a slot or more after we read the pool; the
 * extra arrays let it execute when the price has moved by up to one array either way meanwhile.
 * Token-2022 mints are not supported (both token programs are SPL Token). The Oracle PDA is always
 * passed (writable, as the program wants it); adaptive-fee pools use it, static ones ignore it.
 */
export interface WhirlpoolRoute {
  pool: string;
  baseMint: string;
  quoteMint: string;
}

export const WHIRLPOOL_SWAP_V2_ERRORS: Readonly<Record<number, string>> = {
  6011: 'SqrtPriceOutOfBounds',
  6023: 'InvalidTickArraySequence',
  6034: 'InvalidSqrtPriceLimitDirection',
  6035: 'ZeroTradableAmount',
  6036: 'AmountOutBelowMinimum',
  6037: 'AmountInAboveMaximum',
  6057: 'PartialFillError',
};

export function tickArrayAddress(pool: string, start: number): string {
  return pda(WHIRLPOOL_PROGRAM_ID, ['tick_array', new PublicKey(pool).toBytes(), String(start)]);
}

export function oracleAddress(pool: string): string {
  return pda(WHIRLPOOL_PROGRAM_ID, ['oracle', new PublicKey(pool).toBytes()]);
}

/**
 * Start indexes: [main0, main1, main2] in the swap direction from the array holding the current tick,
 * and supplemental [behind, main2 + 1]. Starts outside the tick range are dropped; the main list is
 * padded with its last entry, as the SDK does at the edge of the range.
 */
export function swapTickArrayStarts(tickCurrentIndex: number, tickSpacing: number, aToB: boolean): { main: number[]; supplemental: number[] } {
  const span = TICKS_PER_ARRAY * tickSpacing;
  const cur = tickArrayStartIndex(tickCurrentIndex, tickSpacing);
  const lo = tickArrayStartIndex(MIN_TICK_INDEX, tickSpacing);
  const hi = tickArrayStartIndex(MAX_TICK_INDEX, tickSpacing);
  const d = aToB ? -span : span;
  const ok = (s: number): boolean => s >= lo && s <= hi;
  const main = [cur, cur + d, cur + 2 * d].filter(ok);
  while (main.length < 3) main.push(main[main.length - 1]!);
  return { main, supplemental: [cur - d, cur + 3 * d].filter(ok) };
}

export class WhirlpoolSwapBuilder implements SwapBuilder {
  readonly label: string;

  constructor(
    private readonly rpc: RpcCall,
    private readonly route: WhirlpoolRoute,
  ) {
    this.label = `whirlpool ${route.pool}`;
  }

  async build(intent: SwapIntent, ctx: { wallet: SolanaWallet; microLamportsPerCu: bigint; computeUnitLimit: number }): Promise<BuiltSwap> {
    const acc = await readAccount(this.rpc, this.route.pool);
    if (acc === null) throw new CambistError(TxCode.BadAccount, `whirlpool ${this.route.pool} does not exist`, { retry: 'non-retryable' });
    const pool = decodeWhirlpool(acc.data, { owner: acc.owner, label: this.route.pool });
    const { baseMint, quoteMint } = this.route;
    const mints = [pool.tokenMintA, pool.tokenMintB];
    if (!mints.includes(baseMint) || !mints.includes(quoteMint)) {
      throw new CambistError(TxCode.BadAccount, `whirlpool ${this.route.pool} trades ${pool.tokenMintA}/${pool.tokenMintB}, not ${baseMint}/${quoteMint}`, { retry: 'non-retryable' });
    }
    // Selling base: base in (exact-in); buying base: quote in, base out (exact-out).
    const inputMint = intent.side === 'sell' ? baseMint : quoteMint;
    const aToB = inputMint === pool.tokenMintA;
    const starts = swapTickArrayStarts(pool.tickCurrentIndex, pool.tickSpacing, aToB);
    const [t0, t1, t2] = starts.main.map((s) => address(tickArrayAddress(this.route.pool, s))) as [ReturnType<typeof address>, ReturnType<typeof address>, ReturnType<typeof address>];
    const supplemental = starts.supplemental.map((s) => tickArrayAddress(this.route.pool, s));
    const owner = ctx.wallet.publicKey;
    const kitIx = getSwapV2Instruction({
      tokenProgramA: address(TOKEN_PROGRAM),
      tokenProgramB: address(TOKEN_PROGRAM),
      tokenAuthority: createNoopSigner(address(owner)),
      whirlpool: address(this.route.pool),
      tokenMintA: address(pool.tokenMintA),
      tokenMintB: address(pool.tokenMintB),
      tokenOwnerAccountA: address(ataAddress(owner, pool.tokenMintA)),
      tokenVaultA: address(pool.tokenVaultA),
      tokenOwnerAccountB: address(ataAddress(owner, pool.tokenMintB)),
      tokenVaultB: address(pool.tokenVaultB),
      tickArray0: t0,
      tickArray1: t1,
      tickArray2: t2,
      oracle: address(oracleAddress(this.route.pool)),
      amount: intent.baseRaw,
      otherAmountThreshold: intent.quoteLimitRaw,
      sqrtPriceLimit: 0n, // no price limit: the threshold is the protection, and a limit would allow partial fills
      amountSpecifiedIsInput: intent.side === 'sell',
      aToB,
      remainingAccountsInfo: supplemental.length > 0 ? { slices: [{ accountsType: AccountsType.SupplementalTickArrays, length: supplemental.length }] } : null,
    });
    const ix = fromKitInstruction({
      programAddress: kitIx.programAddress,
      accounts: [...kitIx.accounts, ...supplemental.map((a) => ({ address: a, role: 1 /* WRITABLE */ }))],
      data: kitIx.data,
    });
    return { kind: 'instructions', ixs: [...computeBudgetIxs(ctx.computeUnitLimit, ctx.microLamportsPerCu), ix], feeAccounts: [this.route.pool] };
  }
}
