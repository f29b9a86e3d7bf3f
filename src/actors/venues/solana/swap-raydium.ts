import { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { CambistError } from '../../../shared/errors.ts';
import { type AmmV4Pool, decodeAmmV4 } from './dex/raydium-amm/decode.ts';
import { RAYDIUM_AMM_V4_PROGRAM_ID } from './dex/programs.ts';
import { type BuiltSwap, type RpcCall, type SwapBuilder, type SwapIntent, TOKEN_PROGRAM, TxCode, ataAddress, computeBudgetIxs, readAccount } from './tx.ts';
import type { SolanaWallet } from './wallet.ts';

/**
 * Raydium AMM v4 `SwapBaseInV2` (16) / `SwapBaseOutV2` (17): the 8-account forms without the OpenBook
 * market accounts (token program, amm, amm authority, coin vault, pc vault, user source, user
 * destination, user owner), data = tag u8 + two u64 LE:
 *   base-in:  amount_in, minimum_amount_out
 *   base-out: max_amount_in, amount_out
 * The reference (solana-dex.md) has no instruction layout; this follows raydium-amm's
 * `instruction.rs` as the simulator implements it (src/sim/venues/solana/raydium.ts). The legacy
 * 17/18-account forms need the OpenBook market's bids/asks/event-queue/vault addresses, which we do
 * not decode, so they are not built here.
 */
export const RAYDIUM_AMM_AUTHORITY = '5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1';

export const RAYDIUM_AMM_ERRORS: Readonly<Record<number, string>> = {
  4: 'InvalidCoinVault',
  5: 'InvalidPCVault',
  22: 'InvalidStatus',
  24: 'WrongAccountsNumber',
  29: 'InvalidInput',
  30: 'ExceededSlippage',
  40: 'InsufficientFunds',
  42: 'InvalidUserToken',
};

export interface RaydiumRoute {
  pool: string;
  baseMint: string;
  quoteMint: string;
}

function u64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

export function raydiumSwapV2Ix(pool: Pick<AmmV4Pool, 'baseVault' | 'quoteVault'>, poolAddress: string, owner: string, source: string, dest: string, exactIn: boolean, a: bigint, b: bigint): TransactionInstruction {
  const k = (s: string, w: boolean, signer = false): { pubkey: PublicKey; isSigner: boolean; isWritable: boolean } => ({ pubkey: new PublicKey(s), isSigner: signer, isWritable: w });
  return new TransactionInstruction({
    programId: new PublicKey(RAYDIUM_AMM_V4_PROGRAM_ID),
    keys: [
      k(TOKEN_PROGRAM, false), k(poolAddress, true), k(RAYDIUM_AMM_AUTHORITY, false),
      k(pool.baseVault, true), k(pool.quoteVault, true),
      k(source, true), k(dest, true), k(owner, false, true),
    ],
    data: Buffer.concat([Buffer.from([exactIn ? 16 : 17]), u64(a), u64(b)]),
  });
}

export class RaydiumAmmSwapBuilder implements SwapBuilder {
  readonly label: string;
  /** Vaults and mints never change for a pool: read once. */
  private pool: AmmV4Pool | undefined;

  constructor(
    private readonly rpc: RpcCall,
    private readonly route: RaydiumRoute,
  ) {
    this.label = `raydium_amm ${route.pool}`;
  }

  private async poolState(): Promise<AmmV4Pool> {
    if (this.pool !== undefined) return this.pool;
    const acc = await readAccount(this.rpc, this.route.pool);
    if (acc === null) throw new CambistError(TxCode.BadAccount, `Raydium pool ${this.route.pool} does not exist`, { retry: 'non-retryable' });
    const p = decodeAmmV4(acc.data, { owner: acc.owner, label: this.route.pool });
    const mints = [p.baseMint, p.quoteMint];
    if (!mints.includes(this.route.baseMint) || !mints.includes(this.route.quoteMint)) {
      throw new CambistError(TxCode.BadAccount, `Raydium pool ${this.route.pool} trades ${p.baseMint}/${p.quoteMint}, not ${this.route.baseMint}/${this.route.quoteMint}`, { retry: 'non-retryable' });
    }
    this.pool = p;
    return p;
  }

  async build(intent: SwapIntent, ctx: { wallet: SolanaWallet; microLamportsPerCu: bigint; computeUnitLimit: number }): Promise<BuiltSwap> {
    const p = await this.poolState();
    const owner = ctx.wallet.publicKey;
    const baseAta = ataAddress(owner, this.route.baseMint);
    const quoteAta = ataAddress(owner, this.route.quoteMint);
    const ix =
      intent.side === 'sell'
        ? raydiumSwapV2Ix(p, this.route.pool, owner, baseAta, quoteAta, true, intent.baseRaw, intent.quoteLimitRaw)
        : raydiumSwapV2Ix(p, this.route.pool, owner, quoteAta, baseAta, false, intent.quoteLimitRaw, intent.baseRaw);
    return { kind: 'instructions', ixs: [...computeBudgetIxs(ctx.computeUnitLimit, ctx.microLamportsPerCu), ix], feeAccounts: [this.route.pool] };
  }
}
