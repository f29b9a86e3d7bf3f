import { DexDecodeError, DexErrorCode, accountName } from './errors.ts';

/** Options every decoder accepts: a label (address or name) for error messages, and the expected owner. */
export interface DecodeOptions {
  label?: string;
  /** Owner program reported by the RPC for this account (base58); when given it must be the expected program. */
  owner?: string;
}

const MASK64 = (1n << 64n) - 1n;

// Solana account data is little-endian and packed: u128 fields sit at odd offsets, so we read them as
// two u64 halves through a DataView instead of relying on any alignment.
export function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

export function u64(dv: DataView, off: number): bigint {
  return dv.getBigUint64(off, true);
}

export function u128(dv: DataView, off: number): bigint {
  const lo = dv.getBigUint64(off, true);
  const hi = dv.getBigUint64(off + 8, true);
  return hi === 0n ? lo : (hi << 64n) | lo;
}

export function i128(dv: DataView, off: number): bigint {
  const lo = dv.getBigUint64(off, true);
  const hi = dv.getBigInt64(off + 8, true);
  return (hi << 64n) | lo;
}

export function bytesEqual(data: Uint8Array, off: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (data[off + i] !== expected[i]) return false;
  return true;
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const B58_MAP = new Int8Array(128).fill(-1);
for (let i = 0; i < B58.length; i++) B58_MAP[B58.charCodeAt(i)] = i;
// Scratch for base58 digits of one 32-byte key (at most 44 digits); decoding is single-threaded per
// worker, so one buffer per module is enough and saves an allocation per pubkey.
const digits = new Uint8Array(64);

/** Base58 text of `len` bytes at `off` (a pubkey is 32 bytes), as Solana and @solana/kit print it. */
export function base58(data: Uint8Array, off = 0, len = 32): string {
  let zeros = 0;
  while (zeros < len && data[off + zeros] === 0) zeros++;
  let n = 0;
  for (let i = off + zeros; i < off + len; i++) {
    let carry = data[i]!;
    for (let j = 0; j < n; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits[n++] = carry % 58;
      carry = (carry / 58) | 0;
    }
  }
  let s = '1'.repeat(zeros);
  for (let j = n - 1; j >= 0; j--) s += B58[digits[j]!];
  return s;
}

/** Inverse of `base58` for 32-byte keys. Throws on a non-base58 character or a wrong length. */
export function base58ToBytes(text: string, len = 32): Uint8Array {
  const out = new Uint8Array(len);
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  let n = 0;
  const bytes = new Uint8Array(len + 8);
  for (let i = zeros; i < text.length; i++) {
    const v = B58_MAP[text.charCodeAt(i) & 127]!;
    if (v < 0 || text.charCodeAt(i) > 127) throw new RangeError(`not base58: ${text}`);
    let carry = v;
    for (let j = 0; j < n; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes[n++] = carry & 0xff;
      carry >>= 8;
    }
  }
  if (zeros + n !== len) throw new RangeError(`base58 key ${text} is not ${len} bytes`);
  for (let j = 0; j < n; j++) out[len - 1 - j] = bytes[j]!;
  return out;
}

export function checkSize(data: Uint8Array, expected: number, kind: string, opts: DecodeOptions | undefined): void {
  if (data.length !== expected) {
    throw new DexDecodeError(
      DexErrorCode.DecodeSize,
      `${accountName(kind, opts?.label)}: data is ${data.length} bytes, expected ${expected}; wrong account or program version`,
    );
  }
}

export function checkDiscriminator(data: Uint8Array, expected: Uint8Array, kind: string, opts: DecodeOptions | undefined): void {
  if (data.length < expected.length || !bytesEqual(data, 0, expected)) {
    throw new DexDecodeError(
      DexErrorCode.DecodeDiscriminator,
      `${accountName(kind, opts?.label)}: discriminator ${hex(data.subarray(0, 8))} is not ${hex(expected)}; not a ${kind} account`,
    );
  }
}

export function checkOwner(kind: string, expected: readonly string[], opts: DecodeOptions | undefined): void {
  if (opts?.owner !== undefined && !expected.includes(opts.owner)) {
    throw new DexDecodeError(
      DexErrorCode.DecodeOwner,
      `${accountName(kind, opts.label)}: owned by ${opts.owner}, expected ${expected.join(' or ')}`,
    );
  }
}

export { MASK64 };
