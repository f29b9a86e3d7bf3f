import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BitstampAuthenticator } from '../../../src/sim/venues/bitstamp/auth.ts';
import { verifyCdpJwt } from '../../../src/sim/venues/coinbase/auth.ts';
import { GeminiAuthenticator } from '../../../src/sim/venues/gemini/auth.ts';

// Known-answer vectors from reference/cex-protocols.md; the verifiers must accept exactly these.
describe('simulator auth verifiers against reference vectors', () => {
  it('accepts the Coinbase EdDSA REST JWT KAT and rejects it after expiry or on another uri', async () => {
    const name = 'organizations/test-organization/apiKeys/test-api-key';
    const pub: KeyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from('zirEQMIMq6REC3gbUtc505sz1+l69njlqc8ep1vJJ5A=', 'base64').toString('base64url') }, format: 'jwk' });
    const jwt =
      'eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvdGVzdC1vcmdhbml6YXRpb24vYXBpS2V5cy90ZXN0LWFwaS1rZXkiLCJub25jZSI6IjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYmNjZGRlZWZmIiwidHlwIjoiSldUIn0.eyJpc3MiOiJjZHAiLCJuYmYiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMDEyMCwic3ViIjoib3JnYW5pemF0aW9ucy90ZXN0LW9yZ2FuaXphdGlvbi9hcGlLZXlzL3Rlc3QtYXBpLWtleSIsInVyaSI6IkdFVCBhcGkuY29pbmJhc2UuY29tL2FwaS92My9icm9rZXJhZ2UvYWNjb3VudHMifQ.ZT0LSp37IIK_3iQf7p3ADwxErHIiBHFWLbrE6a4KiQD4XiBUfX7xNF2wmZzAll57Nb7IUp_N4vrkqTHxl7tLDQ';
    const keys = new Map([[name, { alg: 'EdDSA' as const, key: pub }]]);
    const rest = { method: 'GET', path: '/api/v3/brokerage/accounts', host: undefined };
    expect(await verifyCdpJwt(keys, jwt, 1_700_000_060_000, rest)).toEqual({ ok: true, key_name: name });
    expect((await verifyCdpJwt(keys, jwt, 1_700_000_200_000, rest)).ok).toBe(false);
    expect((await verifyCdpJwt(keys, jwt, 1_700_000_060_000, { ...rest, path: '/api/v3/brokerage/orders' })).ok).toBe(false);
  });

  it('accepts the Gemini private-API doc vector (signature over the base64 text, whitespace kept)', () => {
    const auth = new GeminiAuthenticator(new Map([['account-x', { secret: '1234abcd', nonce: 'increasing' as const }]]));
    const req = {
      headers: {
        'x-gemini-apikey': 'account-x',
        'x-gemini-payload': 'ewogICAgInJlcXVlc3QiOiAiL3YxL29yZGVyL3N0YXR1cyIsCiAgICAibm9uY2UiOiAxMjM0NTYsCgogICAgIm9yZGVyX2lkIjogMTg4MzQKfQo=',
        'x-gemini-signature': '337cc8b4ea692cfe65b4a85fcc9f042b2e3f702ac956fd098d600ab15705775017beae402be773ceee10719ff70d710f',
      },
    } as unknown as IncomingMessage;
    const r = auth.verify(req, '/v1/order/status', 0);
    expect(r.ok).toBe(true);
    const again = auth.verify(req, '/v1/order/status', 0);
    expect(again).toMatchObject({ ok: false, reason: 'InvalidNonce' });
  });

  it('accepts both Bitstamp v2 signature vectors (with and without a body)', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz123456';
    const auth = new BitstampAuthenticator(new Map([[key, 'bitstamp-test-secret']]));
    const mk = (url: string, sig: string, nonce: string, withBody: boolean): IncomingMessage =>
      ({
        method: 'POST',
        url,
        headers: {
          host: '127.0.0.1:1',
          'x-auth': `BITSTAMP ${key}`,
          'x-auth-signature': sig,
          'x-auth-nonce': nonce,
          'x-auth-timestamp': '1700000000000',
          'x-auth-version': 'v2',
          ...(withBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      }) as unknown as IncomingMessage;
    const buy = mk('/api/v2/buy/btcusd/', '1827e8fb09a0d8ec64ae825f8f9ee4f8fcdeef4b10ef8bb8505b956c85b6362b', 'f93c979d-b00d-43a9-9b9c-fd4cd9547fa6', true);
    expect(auth.verify(buy, 'amount=0.001&price=50000&ioc_order=True', 1_700_000_000_000)).toEqual({ ok: true, api_key: key });
    expect(auth.verify(buy, 'amount=0.001&price=50000&ioc_order=True', 1_700_000_000_000)).toMatchObject({ ok: false, code: 'API0004' });
    const bal = new BitstampAuthenticator(new Map([[key, 'bitstamp-test-secret']]));
    const noBody = mk('/api/v2/account_balances/', '97a0ea1ea6e108b48463f5ed47ce6cfd098f1f00581a28527766241b0646aab7', 'f93c979d-b00d-43a9-9b9c-fd4cd9547fa6', false);
    expect(bal.verify(noBody, '', 1_700_000_000_000).ok).toBe(true);
    expect(bal.verify(noBody, '', 1_700_000_400_000)).toMatchObject({ ok: false });
  });
});
