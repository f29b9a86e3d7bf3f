import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../../../src/shared/config/index.ts';

const DEFAULT = new URL('../../../config/default.yaml', import.meta.url).pathname;
const text = readFileSync(DEFAULT, 'utf8');

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe('CONFIG_INVALID');
    expect((e as ConfigError).message).toContain('bad.yaml');
    return (e as ConfigError).problems;
  }
  throw new Error('config unexpectedly valid');
}

describe('config', () => {
  it('loads the default file: sim mode, SOL enabled, BTC and ETH present but disabled, defaults filled', () => {
    const cfg = loadConfig(DEFAULT);
    expect(cfg.mode).toBe('sim');
    expect(cfg.assets.map((a) => [a.asset, a.enabled])).toEqual([['SOL', true], ['BTC', false], ['ETH', false]]);
    expect(cfg.edge).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(cfg.assets[0]!.cex_routes[2]).toMatchObject({ venue: 'bitstamp', ioc_epsilon_pct: 0.1, book_depth_levels: 10, book_usage_cap_pct: 30 });
    expect(cfg.assets[1]!.signal.window_grace_sec).toBe(20);
    expect(cfg.venues.coinbase.credentials).toEqual({ key_name_env: 'COINBASE_API_KEY_NAME', private_key_env: 'COINBASE_API_PRIVATE_KEY' });
    expect(cfg.supervisor.unresponsive_ms).toBe(3000);
    // Private order streams where the venue has one (Bitstamp's needs a separate token: REST only).
    expect(cfg.venues.coinbase.urls.live?.private_ws).toBe('wss://advanced-trade-ws-user.coinbase.com');
    expect(cfg.venues.gemini.urls.live?.private_ws).toBe('wss://api.gemini.com/v1/order/events');
    expect(cfg.venues.bitstamp.urls.live?.private_ws).toBeUndefined();
    expect(cfg.assets[0]!.risk).toMatchObject({ anomaly_sigma: 3, anomaly_window_sec: 60, anomaly_resume_sec: 120 });
  });

  it('live mode refuses two assets signing on one Gemini key (nonces are per key) and names the fix', async () => {
    const doc = YAML.parse(text) as { mode: string; assets: { asset: string; enabled?: boolean; cex_routes: { venue: string; credentials?: object }[] }[] };
    doc.mode = 'live';
    doc.assets[1]!.enabled = true; // BTC trades on Gemini too
    const p = problems(YAML.stringify(doc));
    expect(p).toEqual([expect.stringMatching(/^assets\[1\]\.cex_routes\[1\]\.credentials: SOL and BTC would both sign Gemini requests with the key in GEMINI_API_KEY; .*Give BTC its own key: credentials: \{ api_key_env: GEMINI_API_KEY_BTC/)]);
    // Its own key names: valid; and the executor's slice reads those names.
    doc.assets[1]!.cex_routes.find((r) => r.venue === 'gemini')!.credentials = { api_key_env: 'GEMINI_API_KEY_BTC', api_secret_env: 'GEMINI_API_SECRET_BTC' };
    const cfg = parseConfig(YAML.stringify(doc), 'live.yaml');
    expect(cfg.assets[1]!.cex_routes.find((r) => r.venue === 'gemini')).toMatchObject({ credentials: { api_key_env: 'GEMINI_API_KEY_BTC' } });
    const { buildTopology } = await import('../../../src/supervisor/topology.ts');
    const gemEnv = (asset: string) => ((buildTopology(cfg).actors.find((a) => a.name === `executor:${asset}`)!.slice as { cex: { venue: string; env: Record<string, string> }[] }).cex.find((c) => c.venue === 'gemini')!.env);
    expect(gemEnv('BTC')).toEqual({ api_key_env: 'GEMINI_API_KEY_BTC', api_secret_env: 'GEMINI_API_SECRET_BTC' });
    expect(gemEnv('SOL')).toEqual({ api_key_env: 'GEMINI_API_KEY', api_secret_env: 'GEMINI_API_SECRET' });
    // In sim mode the simulator's one test key is exported under every name an asset gives.
    const { exportSimCredentials } = await import('../../../src/supervisor/sim-wiring.ts');
    const env: Record<string, string> = {};
    const creds = { coinbase: { es256: { key_name: 'k', private_key_pem: 'p' } }, gemini: { api_key: 'gk', api_secret: 'gs' }, bitstamp: { api_key: 'bk', api_secret: 'bs' } };
    exportSimCredentials(cfg, { credentials: creds as never, solana: { wallet: { secretKey: new Uint8Array(64) } } }, env);
    expect([env.GEMINI_API_KEY, env.GEMINI_API_KEY_BTC, env.GEMINI_API_SECRET_BTC]).toEqual(['gk', 'gk', 'gs']);
    // Sim and paper modes share the simulator's one key (paper sends nothing): no such rule.
    doc.assets[1]!.cex_routes.find((r) => r.venue === 'gemini')!.credentials = undefined;
    doc.mode = 'sim';
    expect(() => parseConfig(YAML.stringify(doc), 'sim.yaml')).not.toThrow();
  });

  it('applies command-line overrides for mode, port and data dir', () => {
    const cfg = loadConfig(DEFAULT, { mode: 'paper', port: 9000, dataDir: '/tmp/x' });
    expect([cfg.mode, cfg.edge.port, cfg.data_dir]).toEqual(['paper', 9000, '/tmp/x']);
  });

  it('names the path of an unknown key', () => {
    const p = problems(text.replace('book_usage_cap_pct: 30\n      - venue: gemini', 'book_usage_cap_pct: 30\n        bogus_key: 1\n      - venue: gemini'));
    expect(p).toEqual([expect.stringMatching(/^assets\[0\]\.cex_routes\[0\]: unknown key "bogus_key"/)]);
  });

  it('names the path, the expected type and what was found for a wrong type', () => {
    const p = problems(text.replace('taker_fee_bps: 35\n        ioc', 'taker_fee_bps: "cheap"\n        ioc'));
    expect(p).toEqual(['assets[0].cex_routes[1].taker_fee_bps: expected number, found string "cheap"']);
  });

  it('names the path of a missing required field', () => {
    const p = problems(text.replace('        taker_fee_bps: 40\n', ''));
    expect(p).toEqual(['assets[0].cex_routes[2].taker_fee_bps: expected number, found nothing (missing)']);
  });

  it('reports every structural problem at once', () => {
    const p = problems(text.replace('swap_fee_bps: 4', 'swap_fee_bps: -4').replace('mode: sim', 'mode: turbo'));
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^mode: expected one of "sim" \| "paper" \| "live", found string "turbo"/);
    expect(p[1]).toMatch(/^assets\[0\]\.dex_route\.pools\[0\]\.swap_fee_bps: .*found number -4/);
  });

  it('checks cross-field rules on an otherwise valid file', () => {
    const p = problems(text.replace('base_notional_quote: 50', 'base_notional_quote: 900'));
    expect(p).toEqual([expect.stringMatching(/^assets\[0\]\.sizing\.base_notional_quote: must not exceed max_notional_quote \(500\); found number 900/)]);
  });

  it('refuses a credential given as a value instead of an environment variable name', () => {
    const p = problems(`${text}\nvenues:\n  gemini:\n    credentials:\n      api_secret_env: "s3cr3t-value"\n`);
    expect(p[0]).toMatch(/^venues\.gemini\.credentials\.api_secret_env: .*environment variable name/);
    expect(p[0]).not.toContain('s3cr3t');
  });

  it('says plainly when the file is not YAML or cannot be read', () => {
    expect(problems('a: [1, 2')[0]).toMatch(/not valid YAML/);
    try {
      loadConfig('/nonexistent/cambist.yaml');
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).code).toBe('CONFIG_UNREADABLE');
    }
  });
});

describe('config: the USD vs USDC basis', () => {
  it('defaults to observing Bitstamp usdcusd, and the topology feeds it to every USD/USDC signal as a pseudo asset', async () => {
    const { buildTopology } = await import('../../../src/supervisor/topology.ts');
    const { BASIS_ASSET } = await import('../../../src/shared/messages/index.ts');
    const cfg = loadConfig(DEFAULT, { mode: 'paper' }); // paper: real venue URLs, no simulator needed
    expect(cfg.basis).toEqual({ source: 'bitstamp:usdcusd', fixed_usd_per_usdc: 1, stale_ms: 10_000 });
    expect(cfg.assets[0]!.signal.max_basis_bps).toBe(50);
    // SOL without a Bitstamp route: the Bitstamp feed still runs, for the basis alone.
    const sol = cfg.assets[0]!;
    const noBitstamp = { ...cfg, assets: [{ ...sol, cex_routes: sol.cex_routes.filter((r) => r.venue !== 'bitstamp') }, ...cfg.assets.slice(1)] };
    for (const c of [cfg, noBitstamp]) {
      const t = buildTopology(c);
      const feed = t.actors.find((a) => a.name === 'feed:bitstamp')!.slice as { routes: { asset: string; asset_index: number; symbol: string; to?: string[] }[] };
      expect(feed.routes).toContainEqual({ asset: 'USDC', asset_index: BASIS_ASSET, symbol: 'usdcusd', depth: 1, to: ['SOL'] });
      expect(t.rings.map((r) => r.name)).toContain('feed:bitstamp->signal:SOL');
      const sig = t.actors.find((a) => a.name === 'signal:SOL')!.slice as { basis: unknown };
      expect(sig.basis).toEqual({ source: 'bitstamp:usdcusd', usd_per_usdc: 1, stale_ms: 10_000 });
    }
    // Fixed: no basis route; SOL's own Bitstamp route stays.
    const fixed = buildTopology({ ...cfg, basis: { ...cfg.basis, source: 'fixed', fixed_usd_per_usdc: 0.9995 } });
    const routes = (fixed.actors.find((a) => a.name === 'feed:bitstamp')!.slice as { routes: { symbol: string }[] }).routes;
    expect(routes.map((r) => r.symbol)).toEqual(['solusd']);
    expect((fixed.actors.find((a) => a.name === 'signal:SOL')!.slice as { basis: unknown }).basis).toEqual({ source: 'fixed', usd_per_usdc: 0.9995, stale_ms: 10_000 });
  });

  it('takes a fixed basis, and refuses an observed one on a disabled venue, an unknown source and an unconvertible quote pair', () => {
    const source = (s: string) => text.replace('  source: bitstamp:usdcusd ', `  source: ${s} `);
    expect(parseConfig(source('fixed').replace('fixed_usd_per_usdc: 1 ', 'fixed_usd_per_usdc: 0.999 '), 'ok.yaml').basis).toMatchObject({ source: 'fixed', fixed_usd_per_usdc: 0.999 });
    expect(problems(source('kraken:usdcusd'))[0]).toMatch(/^basis\.source: expected one of "bitstamp:usdcusd" \| "fixed"/);
    expect(problems(text.replace('stale_ms: 10000 ', 'stale_ms: -1 '))[0]).toMatch(/^basis\.stale_ms: /);
    expect(problems(`${text}\nvenues:\n  bitstamp:\n    enabled: false\n`)).toEqual([expect.stringMatching(/^basis\.source: the basis is observed on Bitstamp but venues\.bitstamp\.enabled is false: enable it, or set basis\.source: fixed/)]);
    expect(parseConfig(`${source('fixed')}\nvenues:\n  bitstamp:\n    enabled: false\n`, 'ok.yaml').venues.bitstamp.enabled).toBe(false);
    expect(problems(text.replace('      quote: USDC', '      quote: USDT'))).toEqual([expect.stringMatching(/^assets\[0\]\.dex_route\.quote: no basis between USD \(quote\) and USDT/)]);
  });
});
