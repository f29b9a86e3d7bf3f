import { describe, expect, it } from 'vitest';
import { KNOWN_MINTS, ladderSizesQuote, redactUrl, routeMints, withApiKey } from '../../../../src/actors/venues/solana/config.ts';
import { scanAccountNotification, type AccountFrame } from '../../../../src/actors/venues/solana/rpc.ts';
import { withSimUrls } from '../../../../src/supervisor/sim-wiring.ts';
import { buildTopology, type SolanaFeedSlice } from '../../../../src/supervisor/topology.ts';
import { testConfig } from '../../../helpers/config.ts';
import { poolSlice } from './feed-harness.ts';

describe('Solana feed config', () => {
  it('defaults to 8 geometric ladder sizes up to max_notional_quote, or sorts the configured ones', () => {
    expect(ladderSizesQuote({ ladder_sizes_quote: null, max_notional_quote: 500 })).toEqual([3.90625, 7.8125, 15.625, 31.25, 62.5, 125, 250, 500]);
    expect(ladderSizesQuote({ ladder_sizes_quote: [100, 10, 50], max_notional_quote: 500 })).toEqual([10, 50, 100]);
  });

  it('resolves mints from the asset and quote symbols or base_mint, and refuses unknown ones', () => {
    expect(routeMints(poolSlice(0))).toEqual({ baseMint: KNOWN_MINTS.SOL, quoteMint: KNOWN_MINTS.USDC });
    expect(routeMints(poolSlice(0, { asset: 'JUP', base_mint: 'JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN' })).baseMint).toBe('JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN');
    expect(() => routeMints(poolSlice(0, { asset: 'BTC' }))).toThrow(/set dex_route.base_mint/);
    expect(() => routeMints(poolSlice(0, { quote: 'EUR' }))).toThrow(/dex_route.quote "EUR"/);
  });

  it('appends the Helius api-key only when its variable is set, and redacts it for logs', () => {
    expect(withApiKey('https://mainnet.helius-rpc.com', {}, 'HELIUS_API_KEY')).toBe('https://mainnet.helius-rpc.com');
    const u = withApiKey('wss://mainnet.helius-rpc.com', { HELIUS_API_KEY: 's3cret' }, 'HELIUS_API_KEY');
    expect(u).toBe('wss://mainnet.helius-rpc.com/?api-key=s3cret');
    expect(redactUrl(u)).toBe('wss://mainnet.helius-rpc.com/');
    expect(redactUrl('not a url s3cret')).not.toContain('s3cret');
  });

  it('topology gives feed:solana one pool slice per dex route, without secrets', () => {
    const urls = { http: 'http://127.0.0.1:1', ws: 'ws://127.0.0.1:1' };
    const cex = { ws: 'ws://127.0.0.1:3', rest: 'http://127.0.0.1:3' };
    const c = withSimUrls(testConfig(), { coinbase: { ...cex, ws_user: cex.ws }, gemini: cex, bitstamp: cex, solana: urls, jupiter: { http: 'http://127.0.0.1:2' }, control: cex.rest });
    const t = buildTopology(c, { 'feed:solana': new URL('file:///feed.ts'), 'signal': new URL('file:///signal.ts') });
    const s = t.actors.find((a) => a.name === 'feed:solana')!.slice as SolanaFeedSlice;
    expect(s.http_url).toBe(urls.http);
    expect(s.jupiter_url).toBe('http://127.0.0.1:2');
    expect(s.helius_api_key_env).toBe('HELIUS_API_KEY');
    expect(s.pools.map((p) => [p.asset, p.route, p.program, p.swap_fee_bps, p.slippage_bps_cap])).toEqual([
      ['SOL', 0, 'whirlpool', 4, 75],
      ['SOL', 1, 'raydium_amm', 25, 75],
    ]);
    expect(s.pools[0]!.fallback).toEqual({ enabled: true, stale_threshold_ms: 2000 });
    expect(t.rings.map((r) => r.name)).toContain('feed:solana->signal:SOL');
  });
});

describe('accountNotification scanner', () => {
  const out: AccountFrame = { text: '', subscription: 0, slot: 0, dataStart: 0, dataEnd: 0 };
  it('finds slot, subscription and the base64 payload in the node order', () => {
    const t = '{"jsonrpc":"2.0","method":"accountNotification","params":{"result":{"context":{"slot":5199307},"value":{"data":["AAEC","base64"],"executable":false,"lamports":33594,"owner":"11111111111111111111111111111111","rentEpoch":18446744073709551615,"space":3}},"subscription":23784}}';
    expect(scanAccountNotification(t, out)).toBe(true);
    expect([out.slot, out.subscription, t.slice(out.dataStart, out.dataEnd)]).toEqual([5199307, 23784, 'AAEC']);
  });
  it('tolerates spacing and another key order', () => {
    const t = '{ "params": { "subscription": 7, "result": { "value": { "owner": "x", "data": [ "QUJD", "base64" ] }, "context": { "slot": 42 } } }, "method": "accountNotification", "jsonrpc": "2.0" }';
    expect(scanAccountNotification(t, out)).toBe(true);
    expect([out.slot, out.subscription, t.slice(out.dataStart, out.dataEnd)]).toEqual([42, 7, 'QUJD']);
  });
  it('refuses a frame that is not base64 account data', () => {
    expect(scanAccountNotification('{"method":"accountNotification","params":{"result":{"context":{"slot":1},"value":{"data":{"parsed":{}}}},"subscription":1}}', out)).toBe(false);
  });
});
