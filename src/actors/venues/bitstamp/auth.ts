/**
 * Bitstamp HTTP API v2 auth (cex-protocols.md §3.2). Pure: nonce (UUID v4, never reused) and
 * timestamp come in, headers come out.
 *
 * String to sign, plain concatenation:
 *   "BITSTAMP " + key + METHOD + host + path + query + content_type + nonce + timestamp + "v2" + body
 * `query` carries its leading "?" or is ""; content type and body are both "" when nothing is sent,
 * and the Content-Type header is sent only with a body-bearing request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BitstampError } from './errors.ts';

export interface BitstampAuthInput {
  apiKey: string;
  apiSecret: string;
  method: string;
  /** `www.bitstamp.net` (no scheme). */
  host: string;
  /** e.g. `/api/v2/buy/btcusd/` (trailing slash matters). */
  path: string;
  /** `?a=1` or ``; a missing leading `?` is added. */
  query: string;
  /** `application/x-www-form-urlencoded` with a body, `` without. */
  contentType: string;
  body: string;
  nonce: string;
  timestampMs: number;
}

export const BITSTAMP_HOST = 'www.bitstamp.net';
export const BITSTAMP_FORM = 'application/x-www-form-urlencoded';

export function bitstampStringToSign(i: Omit<BitstampAuthInput, 'apiSecret'>): string {
  if (i.body !== '' && i.contentType === '') {
    throw new BitstampError('bitstamp.bad_request', 'a Bitstamp request with a body needs a content type', {
      retry: 'fatal',
      outcome: 'rejected',
    });
  }
  const query = i.query === '' || i.query.startsWith('?') ? i.query : `?${i.query}`;
  return (
    `BITSTAMP ${i.apiKey}${i.method.toUpperCase()}${i.host}${i.path}${query}` +
    `${i.contentType}${i.nonce}${Math.floor(i.timestampMs)}v2${i.body}`
  );
}

export function bitstampHeaders(input: BitstampAuthInput): Record<string, string> {
  const signature = createHmac('sha256', input.apiSecret).update(bitstampStringToSign(input)).digest('hex');
  const h: Record<string, string> = {
    'X-Auth': `BITSTAMP ${input.apiKey}`,
    'X-Auth-Signature': signature,
    'X-Auth-Nonce': input.nonce,
    'X-Auth-Timestamp': String(Math.floor(input.timestampMs)),
    'X-Auth-Version': 'v2',
  };
  if (input.contentType !== '') h['Content-Type'] = input.contentType;
  return h;
}

/**
 * Optional check of `X-Server-Auth-Signature`: HMAC-SHA256(secret, nonce + timestamp + response
 * Content-Type + response body). Constant-time compare.
 */
export function bitstampVerifyResponse(i: {
  apiSecret: string;
  nonce: string;
  timestampMs: number;
  contentType: string;
  body: string;
  signature: string;
}): boolean {
  const expected = createHmac('sha256', i.apiSecret)
    .update(`${i.nonce}${Math.floor(i.timestampMs)}${i.contentType}${i.body}`)
    .digest();
  const got = Buffer.from(i.signature.toLowerCase(), 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
