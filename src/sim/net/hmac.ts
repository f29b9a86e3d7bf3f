import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacHex(alg: 'sha256' | 'sha384', secret: string, msg: string): string {
  return createHmac(alg, secret).update(msg).digest('hex');
}

/** Constant-time comparison of hex signatures, case-insensitive (some clients upper-case them). */
export function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

export function header(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}
