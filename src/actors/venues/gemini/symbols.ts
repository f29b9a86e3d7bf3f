/**
 * Gemini symbols: lowercase `btcusd` for REST and order events, UPPERCASE `BTCUSD` for v2 market
 * data. There is no separator, so splitting needs a quote list tried longest first (`solusdc` is
 * `sol`+`usdc`, and `btcgusd` is `btc`+`gusd`, not `btcg`+`usd`).
 */
import { GeminiError } from './errors.ts';

export type GeminiSymbolApi = 'rest' | 'v2';

export function geminiSymbol(base: string, quote: string, api: GeminiSymbolApi): string {
  const s = `${base}${quote}`;
  return api === 'v2' ? s.toUpperCase() : s.toLowerCase();
}

/** REST/order-events symbol ↔ v2 market-data symbol. */
export function geminiV2Symbol(restSymbol: string): string {
  return restSymbol.toUpperCase();
}
export function geminiRestSymbol(v2Symbol: string): string {
  return v2Symbol.toLowerCase();
}

// Longest first so `usdc`/`usdt`/`gusd` win over `usd`.
const QUOTES = ['gusd', 'usdc', 'usdt', 'rlusd', 'usd', 'eur', 'gbp', 'sgd', 'aud', 'cad', 'btc', 'eth', 'dai'].sort(
  (a, b) => b.length - a.length,
);

export function splitGeminiSymbol(symbol: string): { base: string; quote: string } {
  const s = symbol.toLowerCase();
  for (const q of QUOTES) {
    if (s.length > q.length && s.endsWith(q)) return { base: s.slice(0, -q.length).toUpperCase(), quote: q.toUpperCase() };
  }
  throw new GeminiError('gemini.bad_request', `cannot split Gemini symbol ${JSON.stringify(symbol)} (unknown quote)`, {
    retry: 'non-retryable',
    outcome: 'rejected',
  });
}
