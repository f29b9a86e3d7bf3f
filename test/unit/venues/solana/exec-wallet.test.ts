import { inspect } from 'node:util';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/shared/clock.ts';
import { encodeBase58 } from '../../../../src/actors/venues/solana/tx.ts';
import { WalletCode, WalletError, generateWallet, loadWallet, walletFromSecret } from '../../../../src/actors/venues/solana/wallet.ts';

const kp = Keypair.fromSeed(new Uint8Array(32).map((_, i) => i * 7 + 1));
const secretB58 = encodeBase58(kp.secretKey);
const pub = kp.publicKey.toBase58();

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof WalletError) {
      // No message may carry any part of what was in the variable.
      expect(e.message).not.toContain(secretB58.slice(0, 12));
      return e.code;
    }
    throw e;
  }
  return undefined;
}

describe('wallet secret from the environment', () => {
  it('reads base58 secret keys, base58 seeds and JSON byte arrays', () => {
    expect(walletFromSecret(secretB58).publicKey).toBe(pub);
    expect(walletFromSecret(encodeBase58(kp.secretKey.slice(0, 32))).publicKey).toBe(pub);
    expect(walletFromSecret(JSON.stringify([...kp.secretKey])).publicKey).toBe(pub);
    expect(loadWallet('W', { W: `  ${secretB58}\n` }).publicKey).toBe(pub);
  });

  it('refuses what is not a key, with stable codes and without echoing it', () => {
    expect(codeOf(() => loadWallet('W', {}))).toBe(WalletCode.Missing);
    expect(codeOf(() => loadWallet('W', { W: ' ' }))).toBe(WalletCode.Missing);
    expect(codeOf(() => walletFromSecret(`${secretB58.slice(0, 40)}0OIl`))).toBe(WalletCode.Invalid);
    expect(codeOf(() => walletFromSecret('[1,2,300]'))).toBe(WalletCode.Invalid);
    expect(codeOf(() => walletFromSecret('[1,2,'))).toBe(WalletCode.Invalid);
    expect(codeOf(() => walletFromSecret(secretB58.slice(0, 60)))).toBe(WalletCode.Invalid);
    const tampered = Uint8Array.from(kp.secretKey);
    tampered[40] ^= 1; // public half no longer matches the seed
    expect(codeOf(() => walletFromSecret(encodeBase58(tampered)))).toBe(WalletCode.Invalid);
  });

  it('prints and serialises as its public key only', () => {
    const w = walletFromSecret(secretB58);
    for (const text of [inspect(w), JSON.stringify(w), String(w), inspect({ w }, { depth: 5 })]) {
      expect(text).toContain(pub);
      expect(text).not.toContain(secretB58.slice(0, 12));
      expect(text).not.toMatch(/secretKey|_keypair/);
    }
  });

  it('sim wallets come from the randomness seam: same seed, same address', () => {
    expect(generateWallet(seededRandom(3)).publicKey).toBe(generateWallet(seededRandom(3)).publicKey);
    expect(generateWallet(seededRandom(3)).publicKey).not.toBe(generateWallet(seededRandom(4)).publicKey);
  });
});
