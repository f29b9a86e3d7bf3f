import { inspect } from 'node:util';
import { Keypair, type VersionedTransaction } from '@solana/web3.js';
import { CambistError } from '../../../shared/errors.ts';

/**
 * The Solana signer. The secret comes only from the environment variable named by config
 * (`venues.solana.credentials.wallet_secret_env`) as base58 (64-byte secret key or 32-byte seed, the
 * Phantom/solana-keygen export forms) or as a JSON byte array (`solana-keygen` id.json). It lives in
 * a private field of this object; the object prints as its public key only, and no error message or
 * log line built here ever contains the text of the secret.
 *
 * Sim mode: a keypair generated per run from the randomness seam (`generateWallet`) and funded by the
 * simulator (`sim.solana.fund({ owner: wallet.publicKey })`, or `startSim({ solana: { wallets } })`).
 */
export const WalletCode = {
  /** The env var is unset or empty. */
  Missing: 'SOLANA_WALLET_MISSING',
  /** The env var is set but is not a usable secret (wrong encoding or length, or key mismatch). */
  Invalid: 'SOLANA_WALLET_INVALID',
} as const;

export class WalletError extends CambistError {
  constructor(code: (typeof WalletCode)[keyof typeof WalletCode], message: string) {
    super(code, message, { retry: 'fatal' });
    this.name = 'WalletError';
  }
}

export class SolanaWallet {
  readonly publicKey: string;
  readonly #keypair: Keypair;

  constructor(keypair: Keypair) {
    this.#keypair = keypair;
    this.publicKey = keypair.publicKey.toBase58();
  }

  /** Adds our signature to a transaction whose fee payer / signer slot is this wallet. */
  signTransaction(tx: VersionedTransaction): void {
    tx.sign([this.#keypair]);
  }

  toJSON(): { publicKey: string } {
    return { publicKey: this.publicKey };
  }

  toString(): string {
    return `SolanaWallet(${this.publicKey})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 → bytes, or undefined on a bad character (never echoes the input: it may be a secret). */
export function decodeBase58(text: string): Uint8Array | undefined {
  let n = 0n;
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  for (const c of text) {
    const d = B58.indexOf(c);
    if (d < 0) return undefined;
    n = n * 58n + BigInt(d);
  }
  const body: number[] = [];
  for (; n > 0n; n >>= 8n) body.unshift(Number(n & 0xffn));
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
}

/** Secret text (base58 or JSON byte array) → keypair. Messages name the problem, never the value. */
export function walletFromSecret(text: string, source = 'the wallet secret'): SolanaWallet {
  const t = text.trim();
  let bytes: Uint8Array | undefined;
  if (t.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(t);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      throw new WalletError(WalletCode.Invalid, `${source} starts with "[" but is not a JSON array`);
    }
    if (!Array.isArray(arr) || !arr.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255)) {
      throw new WalletError(WalletCode.Invalid, `${source} must be a JSON array of bytes (0-255)`);
    }
    bytes = Uint8Array.from(arr as number[]);
  } else {
    bytes = decodeBase58(t);
    if (bytes === undefined) throw new WalletError(WalletCode.Invalid, `${source} is neither base58 nor a JSON byte array`);
  }
  if (bytes.length === 32) return new SolanaWallet(Keypair.fromSeed(bytes));
  if (bytes.length !== 64) throw new WalletError(WalletCode.Invalid, `${source} decodes to ${bytes.length} bytes; expected a 64-byte secret key or a 32-byte seed`);
  let kp: Keypair;
  try {
    // fromSecretKey checks that the last 32 bytes are the public key of the first 32.
    kp = Keypair.fromSecretKey(bytes);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    throw new WalletError(WalletCode.Invalid, `${source}: the public half of the 64-byte key does not match its seed`);
  }
  return new SolanaWallet(kp);
}

/** A wallet from raw secret bytes (e.g. `sim.solana.wallet.secretKey` in sim mode). */
export function walletFromBytes(secret: Uint8Array): SolanaWallet {
  if (secret.length === 32) return new SolanaWallet(Keypair.fromSeed(secret));
  if (secret.length !== 64) throw new WalletError(WalletCode.Invalid, `wallet secret is ${secret.length} bytes; expected 64 or a 32-byte seed`);
  return new SolanaWallet(Keypair.fromSecretKey(secret));
}

/** The wallet from the environment variable `envName` (config `wallet_secret_env`). */
export function loadWallet(envName: string, env: NodeJS.ProcessEnv = process.env): SolanaWallet {
  const v = env[envName];
  if (v === undefined || v.trim() === '') throw new WalletError(WalletCode.Missing, `environment variable ${envName} (venues.solana.credentials.wallet_secret_env) is not set`);
  return walletFromSecret(v, `environment variable ${envName}`);
}

/**
 * A fresh keypair for one sim run, drawn from the randomness seam so a seeded run replays with the
 * same address. Never use it for real funds: `random` is not a CSPRNG.
 */
export function generateWallet(random: () => number): SolanaWallet {
  const seed = new Uint8Array(32);
  for (let i = 0; i < 32; i++) seed[i] = Math.floor(random() * 256) & 0xff;
  return new SolanaWallet(Keypair.fromSeed(seed));
}
