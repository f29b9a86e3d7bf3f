import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BITSTAMP_FORM,
  BITSTAMP_HOST,
  bitstampHeaders,
  bitstampStringToSign,
  bitstampVerifyResponse,
} from '../../../../src/actors/venues/bitstamp/auth.ts';

// Vectors from cex-protocols.md §3.2 ([V], recomputed in Python and Node).
const KEY = 'abcdefghijklmnopqrstuvwxyz123456';
const SECRET = 'bitstamp-test-secret';
const NONCE = 'f93c979d-b00d-43a9-9b9c-fd4cd9547fa6';
const TS = 1700000000000;

describe('bitstampHeaders', () => {
  it('limit buy with a form body: exact string to sign and signature', () => {
    const input = {
      apiKey: KEY,
      apiSecret: SECRET,
      method: 'POST',
      host: BITSTAMP_HOST,
      path: '/api/v2/buy/btcusd/',
      query: '',
      contentType: BITSTAMP_FORM,
      body: 'amount=0.001&price=50000&ioc_order=True',
      nonce: NONCE,
      timestampMs: TS,
    };
    expect(bitstampStringToSign(input)).toBe(
      'BITSTAMP abcdefghijklmnopqrstuvwxyz123456POSTwww.bitstamp.net/api/v2/buy/btcusd/application/x-www-form-urlencodedf93c979d-b00d-43a9-9b9c-fd4cd9547fa61700000000000v2amount=0.001&price=50000&ioc_order=True',
    );
    expect(bitstampHeaders(input)).toEqual({
      'X-Auth': 'BITSTAMP abcdefghijklmnopqrstuvwxyz123456',
      'X-Auth-Signature': '1827e8fb09a0d8ec64ae825f8f9ee4f8fcdeef4b10ef8bb8505b956c85b6362b',
      'X-Auth-Nonce': NONCE,
      'X-Auth-Timestamp': '1700000000000',
      'X-Auth-Version': 'v2',
      'Content-Type': 'application/x-www-form-urlencoded',
    });
  });

  it('no body: no content type in the string or the headers', () => {
    const h = bitstampHeaders({
      apiKey: KEY,
      apiSecret: SECRET,
      method: 'post',
      host: BITSTAMP_HOST,
      path: '/api/v2/account_balances/',
      query: '',
      contentType: '',
      body: '',
      nonce: NONCE,
      timestampMs: TS,
    });
    expect(h['X-Auth-Signature']).toBe('97a0ea1ea6e108b48463f5ed47ce6cfd098f1f00581a28527766241b0646aab7');
    expect('Content-Type' in h).toBe(false);
  });

  it('query gets its leading "?"; a body without content type is refused', () => {
    const base = { apiKey: 'k', method: 'GET', host: 'h', path: '/p/', contentType: '', body: '', nonce: 'n', timestampMs: 1 };
    expect(bitstampStringToSign({ ...base, query: 'a=1' })).toBe('BITSTAMP kGETh/p/?a=1n1v2');
    expect(bitstampStringToSign({ ...base, query: '?a=1' })).toBe('BITSTAMP kGETh/p/?a=1n1v2');
    expect(() => bitstampStringToSign({ ...base, query: '', body: 'x=1' })).toThrow(/content type/);
  });

  it('verifies the server response signature', () => {
    const body = '{"id":"1"}';
    const sig = createHmac('sha256', SECRET).update(`${NONCE}${TS}application/json${body}`).digest('hex');
    const args = { apiSecret: SECRET, nonce: NONCE, timestampMs: TS, contentType: 'application/json', body };
    expect(bitstampVerifyResponse({ ...args, signature: sig })).toBe(true);
    expect(bitstampVerifyResponse({ ...args, signature: sig.toUpperCase() })).toBe(true);
    expect(bitstampVerifyResponse({ ...args, body: '{"id":"2"}', signature: sig })).toBe(false);
    expect(bitstampVerifyResponse({ ...args, signature: 'zz' })).toBe(false);
  });
});
