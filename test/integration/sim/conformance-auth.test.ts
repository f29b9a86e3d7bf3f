import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sim, startSim } from '../../../src/sim/index.ts';
import { fixture, shapeDiff } from './shape.ts';
import { bitstampHeaders, cdpJwt, ed25519FromCdpSecret, geminiHeaders } from './sign.ts';
import { connect } from './ws-client.ts';

// Rejections the existing REST tests do not cover (they cover: Coinbase wrong uri / expired ES256 /
// missing JWT; Gemini reused nonce, stale time nonce, bad signature, endpoint mismatch; Bitstamp
// reused nonce, bad signature). Each asserts status and body the way the venue answers.

type Obj = Record<string, unknown>;
let sim: Sim;
beforeAll(async () => {
  sim = await startSim({ seed: 31, assets: ['SOL'], auto_dislocations: false });
});
afterAll(async () => {
  await sim.close();
});

const ACCOUNTS = '/api/v3/brokerage/accounts';
const now = (): number => Math.floor(Date.now() / 1000);

async function cbWith(jwt: string): Promise<{ status: number; json: Obj }> {
  const r = await fetch(`${sim.urls.coinbase.rest}${ACCOUNTS}`, { headers: { Authorization: `Bearer ${jwt}` } });
  return { status: r.status, json: (await r.json()) as Obj };
}

describe('Coinbase CDP JWT rejections (401 UNAUTHENTICATED, documented non-2xx body)', () => {
  it('a JWT signed by another key under a valid kid, an unknown kid, an expired EdDSA JWT, a lifetime over 120 s, a future nbf', async () => {
    const c = sim.credentials.coinbase;
    const uri = `GET api.coinbase.com${ACCOUNTS}`;
    const good = await cbWith(await cdpJwt('ES256', createPrivateKey(c.es256.private_key_pem), c.es256.key_name, uri));
    expect(good.status).toBe(200);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const ed = ed25519FromCdpSecret(c.ed25519.secret_b64);
    const cases = [
      await cdpJwt('ES256', stranger, c.es256.key_name, uri),
      await cdpJwt('ES256', stranger, `organizations/x/apiKeys/${randomUUID()}`, uri),
      await cdpJwt('EdDSA', ed, c.ed25519.key_name, uri, now() - 300),
      await cdpJwt('EdDSA', ed, c.ed25519.key_name, uri, now() + 300),
    ];
    for (const jwt of cases) {
      const r = await cbWith(jwt);
      expect(r.status).toBe(401);
      expect(r.json.error).toBe('UNAUTHENTICATED');
      expect(shapeDiff(r.json, fixture('coinbase', 'http_post_orders_non2xx.json'))).toEqual([]);
    }
    // Lifetime over 120 s: built by hand, the helper always signs exp = nbf + 120.
    const { SignJWT } = await import('jose');
    const long = await new SignJWT({ iss: 'cdp', sub: c.es256.key_name, uri })
      .setProtectedHeader({ alg: 'ES256', kid: c.es256.key_name, nonce: 'n', typ: 'JWT' })
      .setNotBefore(now())
      .setExpirationTime(now() + 600)
      .sign(createPrivateKey(c.es256.private_key_pem));
    expect((await cbWith(long)).status).toBe(401);
  });

  it('the user channel answers an expired JWT with an error and no subscription', async () => {
    const c = sim.credentials.coinbase;
    const ws = await connect(sim.urls.coinbase.ws_user);
    const old = await cdpJwt('ES256', createPrivateKey(c.es256.private_key_pem), c.es256.key_name, undefined, now() - 600);
    ws.send({ type: 'subscribe', channel: 'user', product_ids: ['SOL-USD'], jwt: old });
    const err = await ws.next((m) => m.type === 'error');
    expect(shapeDiff(err, fixture('coinbase', 'ws_error.json'))).toEqual([]);
    expect(ws.messages.some((m) => (m as Obj).channel === 'user')).toBe(false);
    await ws.close();
  });
});

describe('Gemini nonce and key rejections', () => {
  it('a nonce lower than the last one (not only equal) is InvalidNonce; a time nonce 60 s ahead too; an unknown key is InvalidSignature', async () => {
    const g = sim.credentials.gemini;
    const call = async (key: string, secret: string, nonce: number): Promise<{ status: number; json: Obj }> => {
      const r = await fetch(`${sim.urls.gemini.rest}/v1/balances`, { method: 'POST', headers: geminiHeaders(key, secret, { request: '/v1/balances', nonce }) });
      return { status: r.status, json: (await r.json()) as Obj };
    };
    const n = Date.now() * 1000;
    expect((await call(g.api_key, g.api_secret, n)).status).toBe(200);
    const back = await call(g.api_key, g.api_secret, n - 1_000_000);
    expect(back).toMatchObject({ status: 400, json: { result: 'error', reason: 'InvalidNonce' } });
    expect(shapeDiff(back.json, fixture('gemini', 'http_post_order_new_error_invalid_nonce.json'))).toEqual([]);
    // After a refused nonce the last accepted one still rules: n + 1 passes.
    expect((await call(g.api_key, g.api_secret, n + 1)).status).toBe(200);
    const ahead = await call(g.time_nonce.api_key, g.time_nonce.api_secret, now() + 60);
    expect(ahead.json.reason).toBe('InvalidNonce');
    const unknown = await call(`account-${'x'.repeat(20)}`, g.api_secret, n + 2);
    expect(unknown).toMatchObject({ status: 400, json: { result: 'error', reason: 'InvalidSignature' } });
  });
});

describe('Bitstamp X-Auth rejections (403, legacy error body)', () => {
  const path = '/api/v2/account_balances/';
  const call = async (headers: Record<string, string>, body?: string): Promise<{ status: number; json: Obj }> => {
    const r = await fetch(`${sim.urls.bitstamp.rest}${path}`, { method: 'POST', headers, body });
    return { status: r.status, json: (await r.json()) as Obj };
  };
  const b = () => sim.credentials.bitstamp;

  it('a timestamp outside ±150 s (API0017), Content-Type without a body (API0020), a nonce reused on another endpoint (API0004), an unknown key (API0002)', async () => {
    const stale = bitstampHeaders(b().api_key, b().api_secret, 'POST', path, '', undefined, undefined, String(Date.now() - 200_000));
    const ct = { ...bitstampHeaders(b().api_key, b().api_secret, 'POST', path, ''), 'Content-Type': 'application/x-www-form-urlencoded' };
    const nonce = randomUUID();
    const first = await fetch(`${sim.urls.bitstamp.rest}/api/v2/open_orders/all/`, { method: 'POST', headers: bitstampHeaders(b().api_key, b().api_secret, 'POST', '/api/v2/open_orders/all/', '', undefined, nonce) });
    expect(first.status).toBe(200);
    const reused = bitstampHeaders(b().api_key, b().api_secret, 'POST', path, '', undefined, nonce);
    const unknown = bitstampHeaders('k'.repeat(32), b().api_secret, 'POST', path, '');
    const expected: [Record<string, string>, string][] = [[stale, 'API0017'], [ct, 'API0020'], [reused, 'API0004'], [unknown, 'API0002']];
    for (const [h, code] of expected) {
      const r = await call(h);
      expect(r.status).toBe(403);
      expect(r.json.code).toBe(code);
      expect(shapeDiff(r.json, fixture('bitstamp', 'http_post_error_legacy_reason_string.json'))).toEqual([]);
    }
  });
});
