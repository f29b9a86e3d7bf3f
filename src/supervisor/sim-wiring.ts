import type { Config } from '../shared/config/index.ts';
import type { SimUrls } from '../sim/index.ts';

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
      coinbase: { ...v.coinbase, urls: { ...v.coinbase.urls, sim: v.coinbase.urls.sim ?? { ws: urls.coinbase.ws, rest: urls.coinbase.rest } } },
      gemini: { ...v.gemini, urls: { ...v.gemini.urls, sim: v.gemini.urls.sim ?? urls.gemini } },
      bitstamp: { ...v.bitstamp, urls: { ...v.bitstamp.urls, sim: v.bitstamp.urls.sim ?? urls.bitstamp } },
      solana: { ...v.solana, urls: { ...v.solana.urls, sim: v.solana.urls.sim ?? urls.solana } },
      jupiter: { ...v.jupiter, urls: { ...v.jupiter.urls, sim: v.jupiter.urls.sim ?? urls.jupiter.http } },
    },
  };
}
