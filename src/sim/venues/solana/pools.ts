import type { Asset } from '../../market/assets.ts';
import type { AccountStore } from './accounts.ts';
import { USDC_MINT, WSOL_MINT, tickArrayAddress } from './keys.ts';
import { type AmmV4Spec, ammV4Aux } from './raydium.ts';
import type { WhirlpoolSpec } from './whirlpool.ts';
import { WHIRLPOOL_PROGRAM } from './keys.ts';

export interface PoolSet {
  whirlpools: { asset: Asset; spec: WhirlpoolSpec }[];
  ammV4: { asset: Asset; spec: AmmV4Spec }[];
}

/**
 * SOL/USDC at the addresses of `config/default.yaml` with the real pools' parameters (Whirlpool
 * Czfq3…: tick spacing 4, fee 400 = 0.04 %, protocol 1300; its real vault addresses). Liquidity is
 * shaped like the real pool's (≈1e15 active around the price). BTC and ETH have no simulated pool:
 * the config points both at one Raydium CPMM address (a SOL/USDC pool on mainnet), which cannot hold
 * two assets' state, so it is not served.
 */
export const SOL_WHIRLPOOL: WhirlpoolSpec = {
  address: 'Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE',
  mintA: WSOL_MINT,
  mintB: USDC_MINT,
  decimalsA: 9,
  decimalsB: 6,
  vaultA: 'EUuUbDcafPrmVTD5M6qoJAoyyNbihBhugADAxRMn5he9',
  vaultB: '2WLWEuKDgkDUccTpbwYp1GToYktiSB1cXvreHUwiSUVP',
  tickSpacing: 4,
  feeRate: 400,
  protocolFeeRate: 1300,
  positions: [
    { halfWidth: 100, liquidity: 400_000_000_000_000n },
    { halfWidth: 500, liquidity: 250_000_000_000_000n },
    { halfWidth: 4_000, liquidity: 80_000_000_000_000n },
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((k) => ({ halfWidth: 40 * k, liquidity: 50_000_000_000_000n })),
  ],
};

export const SOL_AMM_V4: AmmV4Spec = {
  address: '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2',
  coinMint: WSOL_MINT,
  pcMint: USDC_MINT,
  coinDecimals: 9,
  pcDecimals: 6,
  coinReserve: 40_000_000_000_000n, // 40 000 SOL
  needTakePnlCoin: 1_500_000_000n,
  needTakePnlPc: 210_000_000n,
};

export function defaultPools(assets: readonly Asset[]): PoolSet {
  const sol = assets.includes('SOL');
  return {
    whirlpools: sol ? [{ asset: 'SOL', spec: SOL_WHIRLPOOL }] : [],
    ammV4: sol ? [{ asset: 'SOL', spec: SOL_AMM_V4 }] : [],
  };
}

/** Pool, vault and tick-array accounts: what the simulated market flow write-locks every slot. */
export function poolAccountKeys(store: AccountStore, pools: PoolSet): Set<string> {
  const out = new Set<string>();
  for (const w of pools.whirlpools) {
    out.add(w.spec.address).add(w.spec.vaultA).add(w.spec.vaultB);
    for (const [k, a] of store.entries()) if (a.owner === WHIRLPOOL_PROGRAM && k !== w.spec.address) out.add(k);
  }
  for (const r of pools.ammV4) {
    const aux = ammV4Aux(r.spec);
    out.add(r.spec.address).add(aux.coinVault).add(aux.pcVault);
  }
  return out;
}

export { tickArrayAddress };
