/**
 * Coinbase Advanced Trade CDP API-key JWTs (cex-protocols.md §1.2). Legacy HMAC keys expired in
 * Feb 2025 and are deliberately not supported.
 *
 * Pure: time and nonce come in, a JWT string goes out. Header and claim keys are serialised in the
 * reference's order so the EdDSA known-answer vector reproduces byte for byte.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { CoinbaseError } from './errors.ts';

export interface CoinbaseJwtInput {
  /** `organizations/{org}/apiKeys/{id}` or a bare key id; used as both `kid` and `sub`. */
  keyName: string;
  /** EC P-256 PEM (ES256), base64 Ed25519 secret (64-byte seed‖pub or 32-byte seed), or PKCS8 PEM. */
  privateKey: string;
  /** REST only; omit `method` and `path` for the WebSocket form (no `uri` claim). */
  method?: string;
  path?: string;
  nowSec: number;
  /** Random hex, fresh per JWT (the caller owns randomness so tests replay). */
  nonce: string;
  /** Defaults to `api.coinbase.com`; the simulator host can be signed for instead. */
  host?: string;
}

type Alg = 'ES256' | 'EdDSA';
interface CachedKey {
  key: KeyObject;
  alg: Alg;
}

export const COINBASE_API_HOST = 'api.coinbase.com';
export const COINBASE_JWT_TTL_SEC = 120;

// PKCS8 DER prefix for an Ed25519 private key; the 32-byte seed follows (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/*
 * Parsing a PEM costs ~340 µs against ~35 µs for a whole signed JWT (perf-limits.md §5), so key
 * objects are cached. The map key is the secret itself: it never leaves this module and is never
 * logged. Bounded, because a process only ever holds a handful of API keys.
 */
const keyCache = new Map<string, CachedKey>();
const KEY_CACHE_MAX = 16;

function loadKey(material: string): CachedKey {
  const hit = keyCache.get(material);
  if (hit !== undefined) return hit;
  const parsed = parseKey(material);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(material, parsed);
  return parsed;
}

function parseKey(material: string): CachedKey {
  const trimmed = material.trim();
  let key: KeyObject;
  try {
    if (trimmed.includes('-----BEGIN')) {
      // Env files often carry the PEM with literal "\n"; restore real newlines before parsing.
      key = createPrivateKey(trimmed.replace(/\\n/g, '\n'));
    } else {
      const raw = Buffer.from(trimmed, 'base64');
      if (raw.length !== 64 && raw.length !== 32) {
        throw new Error(`Ed25519 secret must decode to 32 or 64 bytes, got ${raw.length}`);
      }
      // The CDP portal issues seed‖pubkey (64 bytes); the first 32 bytes are the seed.
      const der = Buffer.concat([ED25519_PKCS8_PREFIX, raw.subarray(0, 32)]);
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
  } catch (e) {
    // The message names the failure only; the key material is never put into an error.
    throw new CoinbaseError('coinbase.bad_key', 'Coinbase private key could not be parsed (expected EC P-256 PEM or base64 Ed25519)', {
      cause: e instanceof Error ? new Error(e.message) : undefined,
      retry: 'fatal',
      outcome: 'rejected',
    });
  }
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, alg: 'ES256' };
  if (type === 'ed25519') return { key, alg: 'EdDSA' };
  throw new CoinbaseError('coinbase.bad_key', `unsupported Coinbase key type ${String(type)} (need P-256 or Ed25519)`, {
    retry: 'fatal',
    outcome: 'rejected',
  });
}

/** `uri` claim: `"<METHOD> <host><path>"`, no scheme and no query string. */
export function coinbaseJwtUri(method: string, path: string, host = COINBASE_API_HOST): string {
  const q = path.indexOf('?');
  return `${method.toUpperCase()} ${host}${q < 0 ? path : path.slice(0, q)}`;
}

export function coinbaseJwt(input: CoinbaseJwtInput): string {
  const { keyName, privateKey, method, path, nowSec, nonce } = input;
  if ((method === undefined) !== (path === undefined)) {
    throw new CoinbaseError('coinbase.bad_request', 'coinbaseJwt needs both method and path (REST) or neither (WebSocket)', {
      retry: 'fatal',
      outcome: 'rejected',
    });
  }
  const { key, alg } = loadKey(privateKey);
  const nbf = Math.floor(nowSec);
  const header = JSON.stringify({ alg, kid: keyName, nonce, typ: 'JWT' });
  const claims =
    method === undefined || path === undefined
      ? JSON.stringify({ iss: 'cdp', nbf, exp: nbf + COINBASE_JWT_TTL_SEC, sub: keyName })
      : JSON.stringify({
          iss: 'cdp',
          nbf,
          exp: nbf + COINBASE_JWT_TTL_SEC,
          sub: keyName,
          uri: coinbaseJwtUri(method, path, input.host),
        });
  const signingInput = `${Buffer.from(header).toString('base64url')}.${Buffer.from(claims).toString('base64url')}`;
  // JOSE wants raw r‖s for ES256; node's default DER encoding would produce an invalid JWT.
  const sig =
    alg === 'ES256'
      ? sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' })
      : sign(null, Buffer.from(signingInput), key);
  return `${signingInput}.${sig.toString('base64url')}`;
}

/** `Authorization` header value for one REST request. */
export function coinbaseAuthHeader(input: CoinbaseJwtInput & { method: string; path: string }): string {
  return `Bearer ${coinbaseJwt(input)}`;
}
