import { PublicKey } from '@solana/web3.js';
import { type AmmV4Pool, AMM_V4_SIZE, decodeAmmV4 } from '../../../actors/venues/solana/dex/raydium-amm/decode.ts';
import { ammV4Reserves, quoteAmmV4 } from '../../../actors/venues/solana/dex/raydium-amm/quote.ts';
import { DexErrorCode, DexQuoteError } from '../../../actors/venues/solana/dex/errors.ts';
import type { QuoteResult } from '../../../actors/venues/solana/dex/quote-result.ts';
import { type Account, type AccountView, decodeTokenAccountState, isTokenAccount, rentExempt, tokenAccount } from './accounts.ts';
import { RaydiumErr, custom, fail } from './errors.ts';
import { OPENBOOK_PROGRAM, RAYDIUM_AMM_AUTHORITY, RAYDIUM_AMM_V4_PROGRAM, simAddress } from './keys.ts';
import { type Instr, type InstrCtx, adjustVault, transferTokens } from './token.ts';

export interface AmmV4Spec {
  address: string;
  coinMint: string;
  pcMint: string;
  coinDecimals: number;
  pcDecimals: number;
  /** Coin (base) reserve at start, raw units; the pc side follows from the start price. */
  coinReserve: bigint;
  needTakePnlCoin: bigint;
  needTakePnlPc: bigint;
}

/** Accounts the pool names that the simulator invents (vaults, LP mint, the OpenBook market set). */
export function ammV4Aux(spec: AmmV4Spec): Record<'coinVault' | 'pcVault' | 'lpMint' | 'openOrders' | 'market' | 'targetOrders' | 'withdrawQueue' | 'lpVault' | 'owner', string> {
  const n = (s: string): string => simAddress(`raydium:${spec.address}:${s}`);
  return {
    coinVault: n('coin_vault'), pcVault: n('pc_vault'), lpMint: n('lp_mint'), openOrders: n('open_orders'), market: n('market'),
    targetOrders: n('target_orders'), withdrawQueue: n('withdraw_queue'), lpVault: n('lp_vault'), owner: n('amm_owner'),
  };
}

const U64_ORDER = [
  'status', 'nonce', 'maxOrder', 'depth', 'baseDecimal', 'quoteDecimal', 'state', 'resetFlag', 'minSize',
  'volMaxCutRatio', 'amountWaveRatio', 'baseLotSize', 'quoteLotSize', 'minPriceMultiplier', 'maxPriceMultiplier',
  'systemDecimalValue', 'minSeparateNumerator', 'minSeparateDenominator', 'tradeFeeNumerator', 'tradeFeeDenominator',
  'pnlNumerator', 'pnlDenominator', 'swapFeeNumerator', 'swapFeeDenominator', 'baseNeedTakePnl', 'quoteNeedTakePnl',
  'quoteTotalPnl', 'baseTotalPnl', 'poolOpenTime', 'punishPcAmount', 'punishCoinAmount', 'orderbookToInitTime',
] as const;

function putU128(dv: DataView, off: number, v: bigint): void {
  dv.setBigUint64(off, v & ((1n << 64n) - 1n), true);
  dv.setBigUint64(off + 8, v >> 64n, true);
}

// The pool's dozen account keys are re-encoded every slot; base58-decoding them each time showed up in profiles.
const keyCache = new Map<string, Uint8Array>();
function keyBytes(k: string): Uint8Array {
  let b = keyCache.get(k);
  if (b === undefined) {
    b = new PublicKey(k).toBytes();
    keyCache.set(k, b);
  }
  return b;
}

/** AmmInfo, 752 bytes, repr(C, packed), no discriminator (reference §2.1 offsets). */
export function encodeAmmV4(p: AmmV4Pool): Uint8Array {
  const d = new Uint8Array(AMM_V4_SIZE);
  const dv = new DataView(d.buffer);
  U64_ORDER.forEach((f, i) => dv.setBigUint64(8 * i, p[f], true));
  putU128(dv, 256, p.swapBaseInAmount);
  putU128(dv, 272, p.swapQuoteOutAmount);
  dv.setBigUint64(288, p.swapBase2QuoteFee, true);
  putU128(dv, 296, p.swapQuoteInAmount);
  putU128(dv, 312, p.swapBaseOutAmount);
  dv.setBigUint64(328, p.swapQuote2BaseFee, true);
  const keys = [p.baseVault, p.quoteVault, p.baseMint, p.quoteMint, p.lpMint, p.openOrders, p.marketId, p.marketProgramId, p.targetOrders, p.withdrawQueue, p.lpVault, p.owner];
  keys.forEach((k, i) => d.set(keyBytes(k), 336 + 32 * i));
  dv.setBigUint64(720, p.lpReserve, true);
  return d;
}

export function initialAmmV4Accounts(spec: AmmV4Spec, price: number): Map<string, Account> {
  const aux = ammV4Aux(spec);
  const pcReserve = BigInt(Math.round(Number(spec.coinReserve) * price * 10 ** (spec.pcDecimals - spec.coinDecimals)));
  const pool: AmmV4Pool = {
    status: 6n, nonce: 254n, maxOrder: 7n, depth: 3n, baseDecimal: BigInt(spec.coinDecimals), quoteDecimal: BigInt(spec.pcDecimals),
    state: 1n, resetFlag: 0n, minSize: 100_000n, volMaxCutRatio: 500n, amountWaveRatio: 5_000_000n, baseLotSize: 100_000n,
    quoteLotSize: 100n, minPriceMultiplier: 1n, maxPriceMultiplier: 1_000_000_000n, systemDecimalValue: 1_000_000_000n,
    minSeparateNumerator: 5n, minSeparateDenominator: 10_000n, tradeFeeNumerator: 25n, tradeFeeDenominator: 10_000n,
    pnlNumerator: 12n, pnlDenominator: 100n, swapFeeNumerator: 25n, swapFeeDenominator: 10_000n,
    baseNeedTakePnl: spec.needTakePnlCoin, quoteNeedTakePnl: spec.needTakePnlPc, quoteTotalPnl: 0n, baseTotalPnl: 0n,
    poolOpenTime: 0n, punishPcAmount: 0n, punishCoinAmount: 0n, orderbookToInitTime: 0n,
    swapBaseInAmount: 0n, swapQuoteOutAmount: 0n, swapBase2QuoteFee: 0n, swapQuoteInAmount: 0n, swapBaseOutAmount: 0n, swapQuote2BaseFee: 0n,
    baseVault: aux.coinVault, quoteVault: aux.pcVault, baseMint: spec.coinMint, quoteMint: spec.pcMint, lpMint: aux.lpMint,
    openOrders: aux.openOrders, marketId: aux.market, marketProgramId: OPENBOOK_PROGRAM, targetOrders: aux.targetOrders,
    withdrawQueue: aux.withdrawQueue, lpVault: aux.lpVault, owner: aux.owner, lpReserve: spec.coinReserve,
  };
  return new Map<string, Account>([
    [spec.address, { lamports: rentExempt(AMM_V4_SIZE), owner: RAYDIUM_AMM_V4_PROGRAM, data: encodeAmmV4(pool), executable: false }],
    [aux.coinVault, tokenAccount({ mint: spec.coinMint, owner: RAYDIUM_AMM_AUTHORITY, amount: spec.coinReserve + spec.needTakePnlCoin })],
    [aux.pcVault, tokenAccount({ mint: spec.pcMint, owner: RAYDIUM_AMM_AUTHORITY, amount: pcReserve + spec.needTakePnlPc })],
  ]);
}

export function readAmmV4(view: AccountView, addr: string): AmmV4Pool | undefined {
  const a = view.get(addr);
  if (a === undefined || a.owner !== RAYDIUM_AMM_V4_PROGRAM || a.data.length !== AMM_V4_SIZE) return undefined;
  return decodeAmmV4(a.data, { owner: a.owner, label: addr });
}

function vaultAmount(view: AccountView, key: string): bigint {
  const a = view.get(key);
  if (!isTokenAccount(a)) throw new RangeError(`Raydium vault ${key} is missing`);
  return decodeTokenAccountState(a.data).amount;
}

/** The exact quote for the pool as it is in `view` (the in-repo `quoteAmmV4`). */
export function quoteAmmV4In(view: AccountView, pool: AmmV4Pool, amount: bigint, baseToQuote: boolean, exactIn: boolean): QuoteResult {
  return quoteAmmV4({ pool, baseVaultAmount: vaultAmount(view, pool.baseVault), quoteVaultAmount: vaultAmount(view, pool.quoteVault), amount, baseToQuote, exactIn });
}

function recordSwap(view: AccountView, addr: string, pool: AmmV4Pool, q: QuoteResult, baseToQuote: boolean): void {
  const next: AmmV4Pool = baseToQuote
    ? { ...pool, swapBaseInAmount: pool.swapBaseInAmount + q.amountIn, swapQuoteOutAmount: pool.swapQuoteOutAmount + q.amountOut, swapBase2QuoteFee: pool.swapBase2QuoteFee + q.feeAmount }
    : { ...pool, swapQuoteInAmount: pool.swapQuoteInAmount + q.amountIn, swapBaseOutAmount: pool.swapBaseOutAmount + q.amountOut, swapQuote2BaseFee: pool.swapQuote2BaseFee + q.feeAmount };
  view.set(addr, { ...view.get(addr)!, data: encodeAmmV4(next) });
}

/**
 * Bring the reserves' ratio to the model's DEX price: the output side is set to the constant-product
 * target and the input is what the exact base-out math charges for it (fees stay in the pool).
 */
export function arbAmmV4(view: AccountView, spec: AmmV4Spec, price: number): QuoteResult | undefined {
  const pool = readAmmV4(view, spec.address);
  if (pool === undefined) return undefined;
  const r = ammV4Reserves(pool, vaultAmount(view, pool.baseVault), vaultAmount(view, pool.quoteVault));
  const pRaw = price * 10 ** (spec.pcDecimals - spec.coinDecimals);
  const k = Number(r.base) * Number(r.quote);
  const coinTarget = Math.sqrt(k / pRaw);
  const baseToQuote = coinTarget > Number(r.base); // coin gets cheaper: the market sells coin into the pool
  const out = baseToQuote ? Number(r.quote) - Math.sqrt(k * pRaw) : Number(r.base) - coinTarget;
  const amount = BigInt(Math.floor(out));
  if (amount <= 0n) return undefined;
  let q: QuoteResult;
  try {
    q = quoteAmmV4In(view, pool, amount, baseToQuote, false);
  } catch (e) {
    if (e instanceof DexQuoteError) return undefined; // e.g. the move would drain a reserve: skip this slot
    throw e;
  }
  adjustVault(view, baseToQuote ? pool.baseVault : pool.quoteVault, q.amountIn);
  adjustVault(view, baseToQuote ? pool.quoteVault : pool.baseVault, -q.amountOut);
  recordSwap(view, spec.address, pool, q, baseToQuote);
  return q;
}

function u64le(d: Uint8Array, off: number): bigint {
  return new DataView(d.buffer, d.byteOffset, d.byteLength).getBigUint64(off, true);
}

/** swap_base_in (9), swap_base_out (11) with 17/18 accounts, and their 8-account V2 forms (16, 17). */
export function runAmmV4Program(ctx: InstrCtx, ix: Instr): void {
  const tag = ix.data[0];
  const k = ix.accounts;
  let acc: { amm: string; coinVault: string; pcVault: string; source: string; dest: string; owner: string };
  if ((tag === 9 || tag === 11) && (k.length === 18 || k.length === 17)) {
    const v = k.length === 18 ? 5 : 4;
    const u = k.length - 3;
    acc = { amm: k[1]!, coinVault: k[v]!, pcVault: k[v + 1]!, source: k[u]!, dest: k[u + 1]!, owner: k[u + 2]! };
  } else if ((tag === 16 || tag === 17) && k.length === 8) {
    acc = { amm: k[1]!, coinVault: k[3]!, pcVault: k[4]!, source: k[5]!, dest: k[6]!, owner: k[7]! };
  } else if (tag === 9 || tag === 11 || tag === 16 || tag === 17) {
    return custom(RaydiumErr.WrongAccountsNumber, RAYDIUM_AMM_V4_PROGRAM, 'Wrong accounts number');
  } else {
    return fail('InvalidInstructionData', `Raydium AMM v4 instruction ${String(tag)} is not simulated`);
  }
  if (ix.data.length < 17) custom(RaydiumErr.InvalidInput, RAYDIUM_AMM_V4_PROGRAM, 'InvalidInput');
  const baseIn = tag === 9 || tag === 16;
  ctx.logs.push(`Program log: Instruction: ${baseIn ? 'SwapBaseIn' : 'SwapBaseOut'}`);
  const pool = readAmmV4(ctx.view, acc.amm);
  if (pool === undefined) return custom(RaydiumErr.InvalidInput, RAYDIUM_AMM_V4_PROGRAM, 'not an AMM account');
  if (acc.coinVault !== pool.baseVault) custom(RaydiumErr.InvalidCoinVault, RAYDIUM_AMM_V4_PROGRAM, 'InvalidCoinVault');
  if (acc.pcVault !== pool.quoteVault) custom(RaydiumErr.InvalidPcVault, RAYDIUM_AMM_V4_PROGRAM, 'InvalidPCVault');
  if (!ctx.signers.has(acc.owner)) fail('MissingRequiredSignature', `user owner ${acc.owner} did not sign`);
  const src = ctx.view.get(acc.source);
  if (!isTokenAccount(src)) return custom(RaydiumErr.InvalidUserToken, RAYDIUM_AMM_V4_PROGRAM, 'user token input does not match amm');
  const srcMint = decodeTokenAccountState(src.data).mint;
  if (srcMint !== pool.baseMint && srcMint !== pool.quoteMint) custom(RaydiumErr.InvalidUserToken, RAYDIUM_AMM_V4_PROGRAM, 'user token input does not match amm');
  const baseToQuote = srcMint === pool.baseMint;
  const first = u64le(ix.data, 1);
  const second = u64le(ix.data, 9);
  let q: QuoteResult;
  try {
    q = quoteAmmV4In(ctx.view, pool, baseIn ? first : second, baseToQuote, baseIn);
  } catch (e) {
    if (!(e instanceof DexQuoteError)) throw e;
    const code = e.code === DexErrorCode.QuotePoolDisabled ? RaydiumErr.InvalidStatus : RaydiumErr.InvalidInput;
    return custom(code, RAYDIUM_AMM_V4_PROGRAM, e.message);
  }
  if (baseIn ? q.amountOut < second : q.amountIn > first) custom(RaydiumErr.ExceededSlippage, RAYDIUM_AMM_V4_PROGRAM, 'instruction exceeds desired slippage limit');
  transferTokens(ctx, acc.source, baseToQuote ? pool.baseVault : pool.quoteVault, q.amountIn, acc.owner);
  transferTokens(ctx, baseToQuote ? pool.quoteVault : pool.baseVault, acc.dest, q.amountOut, RAYDIUM_AMM_AUTHORITY, true);
  recordSwap(ctx.view, acc.amm, pool, q, baseToQuote);
}
