import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { coinbaseJwt, coinbaseJwtUri } from '../../../../src/actors/venues/coinbase/auth.ts';

// Public known-answer vector, cex-protocols.md §1.2 (coinbase-advanced-py tests/constants.py key).
const SEED_B64 = 'k0BUni0p0vZG1BdpVjS6ogBJ7kxm630AJ2dN+tuputA=';
const PUB_B64 = 'zirEQMIMq6REC3gbUtc505sz1+l69njlqc8ep1vJJ5A=';
const KEY_NAME = 'organizations/test-organization/apiKeys/test-api-key';
const EXPECTED =
  'eyJhbGciOiJFZERTQSIsImtpZCI6Im9yZ2FuaXphdGlvbnMvdGVzdC1vcmdhbml6YXRpb24vYXBpS2V5cy90ZXN0LWFwaS1rZXkiLCJub25jZSI6IjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYmNjZGRlZWZmIiwidHlwIjoiSldUIn0.eyJpc3MiOiJjZHAiLCJuYmYiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMDEyMCwic3ViIjoib3JnYW5pemF0aW9ucy90ZXN0LW9yZ2FuaXphdGlvbi9hcGlLZXlzL3Rlc3QtYXBpLWtleSIsInVyaSI6IkdFVCBhcGkuY29pbmJhc2UuY29tL2FwaS92My9icm9rZXJhZ2UvYWNjb3VudHMifQ.ZT0LSp37IIK_3iQf7p3ADwxErHIiBHFWLbrE6a4KiQD4XiBUfX7xNF2wmZzAll57Nb7IUp_N4vrkqTHxl7tLDQ';
const NONCE = '00112233445566778899aabbccddeeff';

function decodePart(jwt: string, i: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('coinbaseJwt', () => {
  it('reproduces the EdDSA known-answer JWT from a 64-byte seed‖pubkey secret (first 32 bytes = seed)', () => {
    const secret64 = Buffer.concat([Buffer.from(SEED_B64, 'base64'), Buffer.from(PUB_B64, 'base64')]).toString('base64');
    const jwt = coinbaseJwt({
      keyName: KEY_NAME,
      privateKey: secret64,
      method: 'GET',
      path: '/api/v3/brokerage/accounts',
      nowSec: 1_700_000_000,
      nonce: NONCE,
    });
    expect(jwt).toBe(EXPECTED);
  });

  it('accepts the bare 32-byte seed too, and strips the query string from uri', () => {
    const jwt = coinbaseJwt({
      keyName: KEY_NAME,
      privateKey: SEED_B64,
      method: 'get',
      path: '/api/v3/brokerage/accounts?limit=250',
      nowSec: 1_700_000_000.9,
      nonce: NONCE,
    });
    expect(jwt).toBe(EXPECTED);
  });

  it('WebSocket form omits uri', () => {
    const jwt = coinbaseJwt({ keyName: KEY_NAME, privateKey: SEED_B64, nowSec: 1_700_000_000, nonce: NONCE });
    expect(decodePart(jwt, 1)).toEqual({ iss: 'cdp', nbf: 1_700_000_000, exp: 1_700_000_120, sub: KEY_NAME });
    expect(decodePart(jwt, 0)).toEqual({ alg: 'EdDSA', kid: KEY_NAME, nonce: NONCE, typ: 'JWT' });
  });

  it('ES256: SEC1 PEM key signs a JWT that jose verifies with the public key; signature is raw r‖s', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(pem).toContain('BEGIN EC PRIVATE KEY');
    const spki = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const nowSec = Math.floor(Date.now() / 1000);
    const jwt = coinbaseJwt({ keyName: 'k1', privateKey: pem, method: 'POST', path: '/api/v3/brokerage/orders', nowSec, nonce: 'ab' });
    expect(Buffer.from(jwt.split('.')[2]!, 'base64url').length).toBe(64);
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'k1', nonce: 'ab', typ: 'JWT' });
    const key = await importSPKI(spki, 'ES256');
    const { payload } = await jwtVerify(jwt, key, { issuer: 'cdp', subject: 'k1' });
    expect(payload.uri).toBe('POST api.coinbase.com/api/v3/brokerage/orders');
    expect(payload.exp).toBe(nowSec + 120);
    // A tampered payload must not verify (the check can fail).
    const parts = jwt.split('.');
    const forged = `${parts[0]}.${Buffer.from('{"iss":"cdp"}').toString('base64url')}.${parts[2]}`;
    await expect(compactVerify(forged, key)).rejects.toThrow();
  });

  it('PEM with literal \\n (as in env files) is accepted', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'sec1', format: 'pem' }).toString().replace(/\n/g, '\\n');
    const jwt = coinbaseJwt({ keyName: 'k', privateKey: pem, nowSec: 1, nonce: 'n' });
    expect(decodeProtectedHeader(jwt).alg).toBe('ES256');
  });

  it('bad key material fails with coinbase.bad_key and never echoes the key', () => {
    const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQ='; // 20 bytes: neither seed nor seed‖pub
    let err: unknown;
    try {
      coinbaseJwt({ keyName: 'k', privateKey: secret, nowSec: 1, nonce: 'n' });
    } catch (e) {
      err = e;
    }
    expect((err as { code: string }).code).toBe('coinbase.bad_key');
    expect(String((err as Error).message)).not.toContain(secret);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const k1 = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(() => coinbaseJwt({ keyName: 'k', privateKey: k1, nowSec: 1, nonce: 'n' })).toThrow(/unsupported/);
  });

  it('uri helper', () => {
    expect(coinbaseJwtUri('post', '/api/v3/brokerage/orders?x=1')).toBe('POST api.coinbase.com/api/v3/brokerage/orders');
  });

  it('cached key objects make a JWT cheap (CPU time < 200 µs each; re-parsing the PEM alone is ~340 µs)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    coinbaseJwt({ keyName: 'k', privateKey: pem, nowSec: 1, nonce: 'n' });
    // CPU time, not wall time: on a shared box a descheduled test must not look slow.
    const c0 = process.cpuUsage();
    for (let i = 0; i < 200; i++) coinbaseJwt({ keyName: 'k', privateKey: pem, method: 'GET', path: '/a', nowSec: 1, nonce: 'n' });
    const used = process.cpuUsage(c0);
    expect((used.user + used.system) / 200).toBeLessThan(200);
  });
});
