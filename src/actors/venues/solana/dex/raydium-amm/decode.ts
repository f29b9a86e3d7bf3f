import { base58, checkOwner, checkSize, u128, u64, view, type DecodeOptions } from '../bytes.ts';
import { RAYDIUM_AMM_V4_PROGRAM_ID } from '../programs.ts';

// AmmInfo, 752 bytes, repr(C, packed), no discriminator (reference/solana-dex.md §2.1): identify it by
// owner + length. Field names follow the Raydium SDK's liquidityStateV4Layout.

export const AMM_V4_SIZE = 752;

/** status values that allow a swap (6 SwapOnly, 1 Initialized; 7 WaitingTrade once poolOpenTime passed). */
export const AmmStatus = { Initialized: 1n, Disabled: 2n, WithdrawOnly: 3n, LiquidityOnly: 4n, OrderBookOnly: 5n, SwapOnly: 6n, WaitingTrade: 7n } as const;

export interface AmmV4Pool {
  status: bigint;
  nonce: bigint;
  maxOrder: bigint;
  depth: bigint;
  baseDecimal: bigint;
  quoteDecimal: bigint;
  state: bigint;
  resetFlag: bigint;
  minSize: bigint;
  volMaxCutRatio: bigint;
  amountWaveRatio: bigint;
  baseLotSize: bigint;
  quoteLotSize: bigint;
  minPriceMultiplier: bigint;
  maxPriceMultiplier: bigint;
  systemDecimalValue: bigint;
  minSeparateNumerator: bigint;
  minSeparateDenominator: bigint;
  tradeFeeNumerator: bigint;
  tradeFeeDenominator: bigint;
  pnlNumerator: bigint;
  pnlDenominator: bigint;
  /** The fee the swap instruction charges (25/10000 on mainnet pools). */
  swapFeeNumerator: bigint;
  swapFeeDenominator: bigint;
  /** Owed to the protocol and still sitting in the base (coin) vault: not tradable. */
  baseNeedTakePnl: bigint;
  quoteNeedTakePnl: bigint;
  quoteTotalPnl: bigint;
  baseTotalPnl: bigint;
  poolOpenTime: bigint;
  punishPcAmount: bigint;
  punishCoinAmount: bigint;
  orderbookToInitTime: bigint;
  swapBaseInAmount: bigint;
  swapQuoteOutAmount: bigint;
  swapBase2QuoteFee: bigint;
  swapQuoteInAmount: bigint;
  swapBaseOutAmount: bigint;
  swapQuote2BaseFee: bigint;
  baseVault: string;
  quoteVault: string;
  baseMint: string;
  quoteMint: string;
  lpMint: string;
  openOrders: string;
  marketId: string;
  marketProgramId: string;
  targetOrders: string;
  withdrawQueue: string;
  lpVault: string;
  owner: string;
  lpReserve: bigint;
}

const U64_FIELDS = [
  'status', 'nonce', 'maxOrder', 'depth', 'baseDecimal', 'quoteDecimal', 'state', 'resetFlag', 'minSize',
  'volMaxCutRatio', 'amountWaveRatio', 'baseLotSize', 'quoteLotSize', 'minPriceMultiplier', 'maxPriceMultiplier',
  'systemDecimalValue', 'minSeparateNumerator', 'minSeparateDenominator', 'tradeFeeNumerator', 'tradeFeeDenominator',
  'pnlNumerator', 'pnlDenominator', 'swapFeeNumerator', 'swapFeeDenominator', 'baseNeedTakePnl', 'quoteNeedTakePnl',
  'quoteTotalPnl', 'baseTotalPnl', 'poolOpenTime', 'punishPcAmount', 'punishCoinAmount', 'orderbookToInitTime',
] as const;

export function decodeAmmV4(data: Uint8Array, opts?: DecodeOptions): AmmV4Pool {
  checkOwner('Raydium AMM v4 pool', [RAYDIUM_AMM_V4_PROGRAM_ID], opts);
  checkSize(data, AMM_V4_SIZE, 'Raydium AMM v4 pool', opts);
  const dv = view(data);
  const head: Record<(typeof U64_FIELDS)[number], bigint> = {} as Record<(typeof U64_FIELDS)[number], bigint>;
  // The first 32 u64 fields are laid out back to back from offset 0.
  U64_FIELDS.forEach((f, i) => {
    head[f] = u64(dv, 8 * i);
  });
  return {
    ...head,
    swapBaseInAmount: u128(dv, 256),
    swapQuoteOutAmount: u128(dv, 272),
    swapBase2QuoteFee: u64(dv, 288),
    swapQuoteInAmount: u128(dv, 296),
    swapBaseOutAmount: u128(dv, 312),
    swapQuote2BaseFee: u64(dv, 328),
    baseVault: base58(data, 336),
    quoteVault: base58(data, 368),
    baseMint: base58(data, 400),
    quoteMint: base58(data, 432),
    lpMint: base58(data, 464),
    openOrders: base58(data, 496),
    marketId: base58(data, 528),
    marketProgramId: base58(data, 560),
    targetOrders: base58(data, 592),
    withdrawQueue: base58(data, 624),
    lpVault: base58(data, 656),
    owner: base58(data, 688),
    lpReserve: u64(dv, 720),
  };
}
