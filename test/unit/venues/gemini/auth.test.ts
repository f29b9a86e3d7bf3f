import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GeminiNonce, geminiHeaders, geminiWsHeaders, type NonceStore } from '../../../../src/actors/venues/gemini/auth.ts';

describe('geminiHeaders', () => {
  it('reproduces the Gemini docs known-answer vector (signature over the base64 text)', () => {
    const payload = '{\n    "request": "/v1/order/status",\n    "nonce": 123456,\n\n    "order_id": 18834\n}\n';
    const h = geminiHeaders({ apiKey: 'mykey', apiSecret: '1234abcd', payload });
    expect(h['X-GEMINI-PAYLOAD']).toBe(
      'ewogICAgInJlcXVlc3QiOiAiL3YxL29yZGVyL3N0YXR1cyIsCiAgICAibm9uY2UiOiAxMjM0NTYsCgogICAgIm9yZGVyX2lkIjogMTg4MzQKfQo=',
    );
    expect(h['X-GEMINI-SIGNATURE']).toBe(
      '337cc8b4ea692cfe65b4a85fcc9f042b2e3f702ac956fd098d600ab15705775017beae402be773ceee10719ff70d710f',
    );
    expect(h['X-GEMINI-APIKEY']).toBe('mykey');
    expect(h['Content-Length']).toBe('0');
    expect(h['Content-Type']).toBe('text/plain');
    expect(h['Cache-Control']).toBe('no-cache');
  });

  it('object payloads are serialised once and signed consistently', () => {
    const h = geminiHeaders({ apiKey: 'k', apiSecret: 's', payload: { request: '/v1/order/new', nonce: 1700000000000, symbol: 'btcusd' } });
    const text = Buffer.from(h['X-GEMINI-PAYLOAD']!, 'base64').toString('utf8');
    expect(JSON.parse(text)).toEqual({ request: '/v1/order/new', nonce: 1700000000000, symbol: 'btcusd' });
    expect(h['X-GEMINI-SIGNATURE']).toBe(createHmac('sha384', 's').update(h['X-GEMINI-PAYLOAD']!).digest('hex'));
  });

  it('refuses a payload without request path or nonce', () => {
    expect(() => geminiHeaders({ apiKey: 'k', apiSecret: 's', payload: { request: 'v1/order/new', nonce: 1 } })).toThrow(/request/);
    expect(() => geminiHeaders({ apiKey: 'k', apiSecret: 's', payload: { request: '/v1/x', nonce: '' } })).toThrow(/nonce/);
  });

  it('new WebSocket API handshake vector', () => {
    const h = geminiWsHeaders({ apiKey: 'k', apiSecret: '1234abcd', nonceSec: 1700000000 });
    expect(h['X-GEMINI-PAYLOAD']).toBe('MTcwMDAwMDAwMA==');
    expect(h['X-GEMINI-NONCE']).toBe('1700000000');
    expect(h['X-GEMINI-SIGNATURE']).toBe(
      '50924a1d155e25cc9447e50c0f37153f04a769c4be129ffb82b43b32801155077ad508e2a14afa9e7af08d242f3abf94',
    );
  });
});

class MemStore implements NonceStore {
  saves = 0;
  constructor(public value: number | undefined = undefined) {}
  load(): number | undefined {
    return this.value;
  }
  save(n: number): void {
    this.value = n;
    this.saves++;
  }
}

describe('GeminiNonce', () => {
  it('ms mode: strictly increasing even when the clock stands still or steps back', () => {
    let now = 1_700_000_000_000;
    const n = new GeminiNonce({ nowMs: () => now });
    const a = n.next();
    const b = n.next();
    now -= 5_000;
    const c = n.next();
    expect(a).toBe(1_700_000_000_000);
    expect(b).toBe(a + 1);
    expect(c).toBe(b + 1);
  });

  it('ms mode: never goes backwards across a restart, with few store writes', () => {
    let now = 1_700_000_000_000;
    const store = new MemStore();
    const n1 = new GeminiNonce({ nowMs: () => now, store, reserve: 1000 });
    let last = 0;
    for (let i = 0; i < 500; i++) last = n1.next();
    expect(store.saves).toBe(1); // one reservation covers the burst
    now -= 60_000; // restart with a clock that went back a minute
    const n2 = new GeminiNonce({ nowMs: () => now, store, reserve: 1000 });
    expect(n2.next()).toBeGreaterThan(last);
  });

  it('time-sec mode: seconds, increasing, refuses to run ahead of the ±30 s window', () => {
    const now = 1_700_000_000_500;
    const store = new MemStore();
    const n = new GeminiNonce({ nowMs: () => now, mode: 'time-sec', store, maxLeadSec: 2 });
    expect(n.next()).toBe(1_700_000_000);
    expect(n.next()).toBe(1_700_000_001);
    expect(n.next()).toBe(1_700_000_002);
    let code: string | undefined;
    try {
      n.next();
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe('gemini.nonce_exhausted');
    expect(store.value).toBe(1_700_000_002);
  });
});
