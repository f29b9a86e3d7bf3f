import { z } from 'zod';
import type { Rng } from './market/rng.ts';

/**
 * Standing per-venue latency and fault rates (scenario `venues.<venue>`, `POST /sim/profile`). The
 * one-shot faults of `POST /sim/faults` come on top. Percentages are of requests / messages /
 * orders / transactions; every field defaults to "off".
 */
const latency = z.strictObject({
  p50: z.number().nonnegative(),
  p99: z.number().nonnegative(),
}).refine((l) => l.p99 >= l.p50, 'p99 must be >= p50');
const range = (lo: number, hi: number) =>
  z.strictObject({ min: z.number().min(lo).max(hi), max: z.number().min(lo).max(hi) }).refine((r) => r.max >= r.min, 'max must be >= min');
const pct = z.number().min(0).max(100);

const rest = {
  /** REST/HTTP answer latency, lognormal fitted to p50 and p99 (half before the request is handled, half after). */
  rest_latency_ms: latency.optional(),
  /** Share of requests answered with a 5xx. */
  rest_5xx_pct: pct.optional(),
  /** Of those 5xx, the share whose request took effect first (order placed, transaction accepted): the outcome is unknown to the client. */
  rest_5xx_processed_pct: pct.optional(),
  /** Share of requests refused with the venue's 429. */
  rest_429_pct: pct.optional(),
};
const ws = {
  /** Extra delay per outgoing WS message, lognormal (FIFO per socket: order is kept, as on one TCP stream). */
  ws_latency_ms: latency.optional(),
  /** Mean rate of dropped sockets (every socket of the venue terminated, no close frame). */
  ws_drop_per_min: z.number().nonnegative().optional(),
  /** Share of market-data messages lost (on Coinbase the sequence number is consumed too). */
  ws_gap_pct: pct.optional(),
};

export const cexProfileSchema = z.strictObject({
  ...rest,
  ...ws,
  /** Share of orders capped at a fraction of their size, drawn from `partial_fill_ratio`. */
  partial_fill_pct: pct.optional(),
  partial_fill_ratio: range(0, 1).optional(),
});

export const solanaProfileSchema = z.strictObject({
  ...rest,
  ...ws,
  /** Share of transactions that land and fail at their swap (slippage error, fee charged). */
  tx_fail_pct: pct.optional(),
  /** Share of transactions that land `tx_late_slots` slots late. */
  tx_late_pct: pct.optional(),
  tx_late_slots: range(1, 150).optional(),
  /** Share of transactions accepted and never landed. */
  tx_drop_pct: pct.optional(),
});

export const jupiterProfileSchema = z.strictObject({ ...rest });

export type VenueProfile = z.infer<typeof solanaProfileSchema> & z.infer<typeof cexProfileSchema>;

export const PROFILE_SCHEMAS = {
  coinbase: cexProfileSchema,
  gemini: cexProfileSchema,
  bitstamp: cexProfileSchema,
  solana: solanaProfileSchema,
  jupiter: jupiterProfileSchema,
} as const;

/** z for the 99th percentile of a standard normal. */
const Z99 = 2.3263478740408408;

/** A lognormal draw with the given median and 99th percentile (0 when both are 0). */
export function lognormalMs(rng: Rng, l: { p50: number; p99: number } | undefined): number {
  if (l === undefined || l.p99 <= 0) return 0;
  if (l.p50 <= 0) return rng.uniform() * l.p99;
  const sigma = Math.log(l.p99 / l.p50) / Z99;
  return Math.exp(Math.log(l.p50) + sigma * rng.normal());
}

export function chancePct(rng: Rng, p: number | undefined): boolean {
  return p !== undefined && p > 0 && rng.uniform() * 100 < p;
}

export function drawRange(rng: Rng, r: { min: number; max: number }): number {
  return r.min + rng.uniform() * (r.max - r.min);
}
