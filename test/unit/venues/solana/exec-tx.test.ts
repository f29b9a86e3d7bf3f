import { AccountsType, getSwapV2InstructionDataDecoder, getTickArrayAddress, parseSwapV2Instruction } from '@orca-so/whirlpools-client';
import { address } from '@solana/kit';
import { Keypair, PublicKey, SystemProgram, VersionedTransaction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { raydiumSwapV2Ix } from '../../../../src/actors/venues/solana/swap-raydium.ts';
import { slippageBpsFor } from '../../../../src/actors/venues/solana/swap-jupiter.ts';
import { WhirlpoolSwapBuilder, oracleAddress, swapTickArrayStarts, tickArrayAddress } from '../../../../src/actors/venues/solana/swap-whirlpool.ts';
import {
  DEFAULT_PRIORITY_POLICY, type RpcCall, ataAddress, buildSignedTx, choosePriorityFee, describeTxError, effectOf, encodeBase58, percentile, signPrebuiltTx, toRaw,
} from '../../../../src/actors/venues/solana/tx.ts';
import { decodeBase58, walletFromBytes } from '../../../../src/actors/venues/solana/wallet.ts';
import { decodeWhirlpool } from '../../../../src/actors/venues/solana/dex/whirlpool/decode.ts';

const WSOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const wallet = walletFromBytes(Keypair.fromSeed(new Uint8Array(32).fill(7)).secretKey);

describe('raw amounts and base58', () => {
  it('converts float sizes through their decimal, rounding in the requested direction', () => {
    expect(toRaw(1.2, 9, 'down')).toBe(1_200_000_000n); // 1.2 * 1e9 is 1199999999.9999998 as a float
    expect(toRaw(0.1 + 0.2, 6, 'down')).toBe(300_000n);
    expect(toRaw(152.0000005, 6, 'down')).toBe(152_000_000n);
    expect(toRaw(152.0000005, 6, 'up')).toBe(152_000_001n);
    expect(toRaw(3, 6, 'up')).toBe(3_000_000n);
  });

  it('encodes signatures like web3.js', () => {
    const tx = buildSignedTx(wallet, [SystemProgram.transfer({ fromPubkey: new PublicKey(wallet.publicKey), toPubkey: new PublicKey(USDC), lamports: 1 })], '11111111111111111111111111111111', 10);
    const parsed = VersionedTransaction.deserialize(tx.bytes);
    expect(decodeBase58(tx.signature)).toEqual(Uint8Array.from(parsed.signatures[0]!));
    expect(encodeBase58(new Uint8Array([0, 0, 1]))).toBe('112');
    expect(encodeBase58(new PublicKey(USDC).toBytes())).toBe(USDC);
    expect(tx.signature.length).toBeGreaterThanOrEqual(86);
    expect(tx.base64).toBe(Buffer.from(tx.bytes).toString('base64'));
  });
});

describe('priority fee from the expected edge', () => {
  const recent = Array.from({ length: 100 }, (_, i) => ({ slot: 1000 + i, fee: i < 50 ? 0 : (i - 49) * 1_000 })); // last 50 slots: 1 000 … 50 000
  const policy = { ...DEFAULT_PRIORITY_POLICY, percentile: 75, slots: 50, computeUnitLimit: 200_000, edgeFraction: 0.2, maxLamports: 2_000_000 };

  it('pays the percentile of the last N slots when the edge allows it', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    const f = choosePriorityFee(recent, policy, { expectedPnlQuote: 10, solPriceQuote: 150 });
    expect(f.marketMicroLamports).toBe(38_000); // nearest rank ceil(0.75*50) = 38 → 38 000
    expect(f.microLamportsPerCu).toBe(38_000n);
    expect(f.lamports).toBe(7_600n); // 38 000 µL × 200 000 CU / 1e6
    expect(f.capped).toBe(false);
  });

  it('caps the priority fee at a fraction of the expected PnL', () => {
    // 0.2 × 0.003 USDC at 150 USDC/SOL = 4 000 lamports < 7 600 wanted.
    const f = choosePriorityFee(recent, policy, { expectedPnlQuote: 0.003, solPriceQuote: 150 });
    expect(f.capped).toBe(true);
    expect(f.capLamports).toBe(4_000);
    expect(f.lamports).toBeLessThanOrEqual(4_000n);
    expect(f.microLamportsPerCu).toBe(20_000n);
    expect(choosePriorityFee(recent, policy, { expectedPnlQuote: -1, solPriceQuote: 150 }).microLamportsPerCu).toBe(0n);
    // No expected PnL: only the absolute cap applies.
    expect(choosePriorityFee(recent, { ...policy, maxLamports: 1_000 }, {}).lamports).toBeLessThanOrEqual(1_000n);
  });
});

describe('transaction effects', () => {
  const me = wallet.publicKey;
  const ours = new Set([ataAddress(me, WSOL), ataAddress(me, USDC)]);
  const bal = (i: number, mint: string, owner: string | undefined, amount: string): unknown => ({ accountIndex: i, mint, ...(owner ? { owner } : {}), uiTokenAmount: { amount } });

  it('sums the wallet token balance changes by mint; others and vaults are ignored', () => {
    const tx = {
      slot: 5,
      meta: {
        err: null, fee: 12_345,
        preTokenBalances: [bal(1, WSOL, me, '5000000000'), bal(2, USDC, me, '100'), bal(3, WSOL, 'pool', '9'), bal(4, USDC, undefined, '7')],
        postTokenBalances: [bal(1, WSOL, me, '4000000000'), bal(2, USDC, me, '150000100'), bal(3, WSOL, 'pool', '1000000009'), bal(4, USDC, undefined, '8')],
      },
      transaction: { signatures: ['sig'], message: { accountKeys: [me, ataAddress(me, WSOL), ataAddress(me, USDC), 'vault', 'other'] } },
    };
    const e = effectOf(tx, me, { base: WSOL, quote: USDC }, ours);
    expect(e).toMatchObject({ err: null, feeLamports: 12_345n, baseDelta: -1_000_000_000n, quoteDelta: 150_000_000n, slot: 5, signature: 'sig' });
    // Without `owner` (older nodes), the account must be one of our ATAs.
    const noOwner = { ...tx, meta: { ...tx.meta, preTokenBalances: [bal(1, WSOL, undefined, '10')], postTokenBalances: [bal(1, WSOL, undefined, '4')] } };
    expect(effectOf(noOwner, me, { base: WSOL, quote: USDC }, ours).baseDelta).toBe(-6n);
  });

  it('names program errors', () => {
    const names = { whirl: { 6036: 'AmountOutBelowMinimum' } };
    expect(describeTxError({ InstructionError: [2, { Custom: 6036 }] }, (i) => (i === 2 ? 'whirl' : undefined), names)).toBe('instruction 2 (whirl) failed: custom program error 6036 AmountOutBelowMinimum');
    expect(describeTxError('BlockhashNotFound', () => undefined, names)).toBe('BlockhashNotFound');
    expect(describeTxError({ InstructionError: [0, 'InvalidAccountData'] }, () => 'p', names)).toBe('instruction 0 (p) failed: "InvalidAccountData"');
  });
});

describe('instruction layouts', () => {
  it('derives tick-array and oracle PDAs like the official client and the reference vectors', async () => {
    const pool = 'HJPjoWUrhoZzkNfRpHuieeFk9WcZWjwy6PBjZ81ngndJ';
    expect(tickArrayAddress(pool, -11264)).toBe('81T5kNuPRkyVzhwbe2RpKR7wmQpGJ7RBkGPdTqyfa5vq');
    expect(tickArrayAddress(pool, 5632)).toBe('BW2Mr823NUQN7vnVpv5E6yCTnqEXQ3ZnqjZyiywXPcUp');
    expect(tickArrayAddress(pool, 0)).toBe((await getTickArrayAddress(address(pool), 0))[0]);
    expect(oracleAddress(pool)).toBe('4GkRbcYg1VKsZropgai4dMf2Nj2PkXNLf43knFpavrSi');
  });

  it('chooses three arrays in the swap direction plus one behind and one further ahead', () => {
    // tick spacing 4: span 352; tick -18835 lies in the array starting at -19008.
    expect(swapTickArrayStarts(-18835, 4, true)).toEqual({ main: [-19008, -19360, -19712], supplemental: [-18656, -20064] });
    expect(swapTickArrayStarts(-18835, 4, false)).toEqual({ main: [-19008, -18656, -18304], supplemental: [-19360, -17952] });
  });

  it('builds swap_v2 that the official parser reads back, with supplemental arrays declared', async () => {
    const POOL = 'Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE';
    const b64 = await fixturePool();
    const dec = decodeWhirlpool(Uint8Array.from(Buffer.from(b64, 'base64')));
    expect(dec.tickCurrentIndex).toBeGreaterThanOrEqual(-19008);
    expect(dec.tickCurrentIndex).toBeLessThan(-18656);
    const rpc: RpcCall = { call: async () => ({ value: { owner: 'whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc', data: [b64, 'base64'], lamports: 1 } }) };
    const b = new WhirlpoolSwapBuilder(rpc, { pool: POOL, baseMint: WSOL, quoteMint: USDC });
    const built = await b.build({ side: 'buy', baseRaw: 2_000_000_000n, quoteLimitRaw: 310_000_000n }, { wallet, microLamportsPerCu: 1234n, computeUnitLimit: 180_000 });
    expect(built.kind).toBe('instructions');
    if (built.kind !== 'instructions') return;
    const ix = built.ixs[2]!;
    const kit = {
      programAddress: address(ix.programId.toBase58()),
      accounts: ix.keys.map((k) => ({ address: address(k.pubkey.toBase58()), role: (k.isSigner ? 2 : 0) + (k.isWritable ? 1 : 0) })),
      data: Uint8Array.from(ix.data),
    };
    const parsed = parseSwapV2Instruction(kit as never);
    expect(parsed.accounts.whirlpool.address).toBe(POOL);
    expect(parsed.accounts.tokenAuthority.address).toBe(wallet.publicKey);
    expect(parsed.accounts.tokenOwnerAccountA.address).toBe(ataAddress(wallet.publicKey, dec.tokenMintA));
    expect(parsed.accounts.tickArray0.address).toBe(tickArrayAddress(POOL, -19008));
    expect(parsed.accounts.tickArray1.address).toBe(tickArrayAddress(POOL, -18656)); // buying SOL (A) is b→a: upward
    const data = getSwapV2InstructionDataDecoder().decode(Uint8Array.from(ix.data));
    expect(data).toMatchObject({ amount: 2_000_000_000n, otherAmountThreshold: 310_000_000n, sqrtPriceLimit: 0n, amountSpecifiedIsInput: false, aToB: false });
    expect(data.remainingAccountsInfo).toEqual({ __option: 'Some', value: { slices: [{ accountsType: AccountsType.SupplementalTickArrays, length: 2 }] } });
    expect(ix.keys.slice(15).map((k) => k.pubkey.toBase58())).toEqual([tickArrayAddress(POOL, -19360), tickArrayAddress(POOL, -17952)]);
    // Compute budget first: limit 180 000, price 1 234 µL/CU.
    expect(built.ixs[0]!.data.readUInt32LE(1)).toBe(180_000);
    expect(built.ixs[1]!.data.readBigUInt64LE(1)).toBe(1234n);
  });

  it('Raydium V2 swaps: 8 accounts, tag 16/17, amounts little-endian', () => {
    const pool = { baseVault: Keypair.generate().publicKey.toBase58(), quoteVault: Keypair.generate().publicKey.toBase58() };
    const ix = raydiumSwapV2Ix(pool, '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2', wallet.publicKey, 'So11111111111111111111111111111111111111112', USDC, false, 5n, 7n);
    expect(ix.keys).toHaveLength(8);
    expect(ix.keys[3]!.pubkey.toBase58()).toBe(pool.baseVault);
    expect(ix.keys[7]).toMatchObject({ isSigner: true, isWritable: false });
    expect(ix.data[0]).toBe(17);
    expect(ix.data.readBigUInt64LE(1)).toBe(5n);
    expect(ix.data.readBigUInt64LE(9)).toBe(7n);
  });

  it('Jupiter: slippage derived from our limit; a quote beyond it gives -1', () => {
    expect(slippageBpsFor({ inAmount: 0n, outAmount: 1_000_000n }, { side: 'sell', baseRaw: 1n, quoteLimitRaw: 990_000n })).toBe(100);
    expect(slippageBpsFor({ inAmount: 0n, outAmount: 1_000_000n }, { side: 'sell', baseRaw: 1n, quoteLimitRaw: 1_000_001n })).toBe(-1);
    expect(slippageBpsFor({ inAmount: 1_000_000n, outAmount: 0n }, { side: 'buy', baseRaw: 1n, quoteLimitRaw: 1_004_999n })).toBe(49);
  });

  it('signs a prebuilt transaction only when we are its only signer and fee payer', () => {
    const other = Keypair.generate();
    const ixs = [SystemProgram.transfer({ fromPubkey: new PublicKey(wallet.publicKey), toPubkey: other.publicKey, lamports: 1 })];
    const mine = buildSignedTx(wallet, ixs, '11111111111111111111111111111111', 9);
    const unsigned = VersionedTransaction.deserialize(mine.bytes);
    unsigned.signatures[0] = new Uint8Array(64);
    const s = signPrebuiltTx(wallet, Buffer.from(unsigned.serialize()).toString('base64'), 9);
    expect(s.signature).toBe(mine.signature); // Ed25519 is deterministic
    const theirs = buildSignedTx(walletFromBytes(other.secretKey), [SystemProgram.transfer({ fromPubkey: other.publicKey, toPubkey: new PublicKey(wallet.publicKey), lamports: 1 })], '11111111111111111111111111111111', 9);
    expect(() => signPrebuiltTx(wallet, theirs.base64, 9)).toThrow(/fee payer/);
  });
});

/** The SOL/USDC Whirlpool at the reference §1.7 snapshot's price (tick ≈ −18835), as the simulator writes it. */
async function fixturePool(): Promise<string> {
  const { initialWhirlpoolAccounts } = await import('../../../../src/sim/venues/solana/whirlpool.ts');
  const { SOL_WHIRLPOOL } = await import('../../../../src/sim/venues/solana/pools.ts');
  const accs = initialWhirlpoolAccounts(SOL_WHIRLPOOL, 152.0834, 1_700_000_000n);
  return Buffer.from(accs.get(SOL_WHIRLPOOL.address)!.data).toString('base64');
}
