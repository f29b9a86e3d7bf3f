import type { Config } from '../shared/config/index.ts';
import type { SimCredentials } from '../sim/credentials.ts';
import type { SimUrls } from '../sim/index.ts';

/** What the credentials export needs: a `Sim`, or the worker-hosted simulator's `SimHost.info` shaped the same. */
export interface SimSecrets {
  credentials: SimCredentials;
  solana: { wallet: { secretKey: Uint8Array } };
}

/** The simulator serves Gemini's order events where Gemini does: `/v1/order/events` on the API host. */
export function geminiOrderEventsUrl(rest: string): string {
  return `${rest.replace(/^http/, 'ws')}/v1/order/events`;
}

/**
 * In sim mode the venues' `sim` URLs default to the simulators started with the engine. A URL the
 * config sets explicitly wins, so an operator can point one venue at an external simulator.
 */
export function withSimUrls(cfg: Config, urls: SimUrls): Config {
  const v = cfg.venues;
  return {
    ...cfg,
    venues: {
      ...v,
      coinbase: { ...v.coinbase, urls: { ...v.coinbase.urls, sim: v.coinbase.urls.sim ?? { ws: urls.coinbase.ws, rest: urls.coinbase.rest, private_ws: urls.coinbase.ws_user } } },
      gemini: { ...v.gemini, urls: { ...v.gemini.urls, sim: v.gemini.urls.sim ?? { ...urls.gemini, private_ws: geminiOrderEventsUrl(urls.gemini.rest) } } },
      bitstamp: { ...v.bitstamp, urls: { ...v.bitstamp.urls, sim: v.bitstamp.urls.sim ?? urls.bitstamp } },
      solana: { ...v.solana, urls: { ...v.solana.urls, sim: v.solana.urls.sim ?? urls.solana } },
      jupiter: { ...v.jupiter, urls: { ...v.jupiter.urls, sim: v.jupiter.urls.sim ?? urls.jupiter.http } },
    },
  };
}

/**
 * Sim mode: the simulator generated fresh test keys at start. Put them in this process's
 * environment under the names the config gives, before any worker starts (workers copy the
 * environment at spawn), so the executors read credentials from the environment in every mode —
 * one code path — and a real key that happens to be set can never reach a simulator.
 */
export function exportSimCredentials(cfg: Config, sim: SimSecrets, env: NodeJS.ProcessEnv = process.env): void {
  const c = sim.credentials;
  const v = cfg.venues;
  env[v.coinbase.credentials.key_name_env!] = c.coinbase.es256.key_name;
  env[v.coinbase.credentials.private_key_env!] = c.coinbase.es256.private_key_pem;
  env[v.gemini.credentials.api_key_env!] = c.gemini.api_key;
  env[v.gemini.credentials.api_secret_env!] = c.gemini.api_secret;
  // An asset with its own Gemini key names: the simulator has one test key, exported under those too.
  for (const a of cfg.assets) {
    for (const r of a.cex_routes) {
      if (r.venue !== 'gemini' || !r.credentials) continue;
      env[r.credentials.api_key_env] = c.gemini.api_key;
      env[r.credentials.api_secret_env] = c.gemini.api_secret;
    }
  }
  env[v.bitstamp.credentials.api_key_env!] = c.bitstamp.api_key;
  env[v.bitstamp.credentials.api_secret_env!] = c.bitstamp.api_secret;
  // The simulator's funded wallet (100 SOL, 5,000 wSOL, 1,000,000 USDC), as a JSON byte array.
  env[v.solana.credentials.wallet_secret_env] = JSON.stringify([...sim.solana.wallet.secretKey]);
}
