import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto';

/**
 * Test API keys, generated fresh at every simulator start (never committed, never real). The
 * shapes are what each venue issues, so connectors load them exactly as they load real keys.
 */
export interface SimCredentials {
  coinbase: {
    /** CDP ECDSA key: name `organizations/{org}/apiKeys/{id}`, secret = SEC1 PEM (`BEGIN EC PRIVATE KEY`). */
    es256: { key_name: string; private_key_pem: string };
    /** CDP Ed25519 key: bare key id, secret = base64 of seed‖public key (64 bytes), as the CDP portal issues it. */
    ed25519: { key_name: string; secret_b64: string };
  };
  gemini: {
    /** Account key with the default rule: nonces strictly increase per key. */
    api_key: string;
    api_secret: string;
    /** Account key created with "Uses a time-based nonce": seconds within ±30 s. */
    time_nonce: { api_key: string; api_secret: string };
  };
  bitstamp: { api_key: string; api_secret: string; customer_id: number };
}

export type GeminiNonceMode = 'increasing' | 'time';

export interface SimKeyring {
  credentials: SimCredentials;
  coinbase: Map<string, { alg: 'ES256' | 'EdDSA'; key: KeyObject }>;
  gemini: Map<string, { secret: string; nonce: GeminiNonceMode }>;
  bitstamp: Map<string, string>;
}

function token(bytes: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  return [...randomBytes(bytes)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function generateKeyring(): SimKeyring {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ed = generateKeyPairSync('ed25519');
  const jwk = ed.privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  const esName = `organizations/cambist-sim/apiKeys/${randomUUID()}`;
  const edName = randomUUID();
  const credentials: SimCredentials = {
    coinbase: {
      es256: { key_name: esName, private_key_pem: ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString() },
      ed25519: { key_name: edName, secret_b64: Buffer.concat([seed, pub]).toString('base64') },
    },
    gemini: {
      api_key: `account-${token(20)}`,
      api_secret: token(28),
      time_nonce: { api_key: `account-${token(20)}`, api_secret: token(28) },
    },
    bitstamp: { api_key: token(32), api_secret: token(32), customer_id: 4_848_701 },
  };
  return {
    credentials,
    coinbase: new Map([
      [esName, { alg: 'ES256', key: ec.publicKey }],
      [edName, { alg: 'EdDSA', key: ed.publicKey }],
    ]),
    gemini: new Map([
      [credentials.gemini.api_key, { secret: credentials.gemini.api_secret, nonce: 'increasing' as const }],
      [credentials.gemini.time_nonce.api_key, { secret: credentials.gemini.time_nonce.api_secret, nonce: 'time' as const }],
    ]),
    bitstamp: new Map([[credentials.bitstamp.api_key, credentials.bitstamp.api_secret]]),
  };
}
