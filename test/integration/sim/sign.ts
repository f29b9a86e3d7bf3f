import { createHmac, createPrivateKey, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** Client-side signing written from the venue docs, independent of the simulator's verifiers. */
export function ed25519FromCdpSecret(secret_b64: string): KeyObject {
  const seed = Buffer.from(secret_b64, 'base64').subarray(0, 32);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

export async function cdpJwt(alg: 'ES256' | 'EdDSA', key: KeyObject, key_name: string, uri: string | undefined, nbf = Math.floor(Date.now() / 1000)): Promise<string> {
  const claims: Record<string, unknown> = { iss: 'cdp', sub: key_name };
  if (uri !== undefined) claims.uri = uri;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: key_name, nonce: randomBytes(16).toString('hex'), typ: 'JWT' })
    .setNotBefore(nbf)
    .setExpirationTime(nbf + 120)
    .sign(key);
}

export function geminiHeaders(api_key: string, secret: string, payload: Record<string, unknown>): Record<string, string> {
  const b64 = Buffer.from(JSON.stringify(payload)).toString('base64');
  return {
    'Content-Type': 'text/plain',
    'Content-Length': '0',
    'Cache-Control': 'no-cache',
    'X-GEMINI-APIKEY': api_key,
    'X-GEMINI-PAYLOAD': b64,
    'X-GEMINI-SIGNATURE': createHmac('sha384', secret).update(b64).digest('hex'),
  };
}

export function bitstampHeaders(key: string, secret: string, method: string, path: string, body: string, host = 'www.bitstamp.net', nonce = randomUUID(), ts = Date.now().toString()): Record<string, string> {
  const ct = body === '' ? '' : 'application/x-www-form-urlencoded';
  const sig = createHmac('sha256', secret).update(`BITSTAMP ${key}${method}${host}${path}${ct}${nonce}${ts}v2${body}`).digest('hex');
  const h: Record<string, string> = { 'X-Auth': `BITSTAMP ${key}`, 'X-Auth-Signature': sig, 'X-Auth-Nonce': nonce, 'X-Auth-Timestamp': ts, 'X-Auth-Version': 'v2' };
  if (body !== '') h['Content-Type'] = ct;
  return h;
}
