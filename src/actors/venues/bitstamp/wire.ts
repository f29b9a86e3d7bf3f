/**
 * Raw Bitstamp v2 shapes (cex-protocols.md §3.3–3.4) with runtime guards.
 *
 * Every WS frame is `{event, channel, data}`. Book data is checked by hand (hot path); the rest uses
 * zod. Ids come as strings in some responses and numbers in others; both are accepted.
 */
import { z } from 'zod';

export interface BitstampWsFrame {
  event: string;
  channel: string;
  data: unknown;
}

export function isBitstampWsFrame(x: unknown): x is BitstampWsFrame {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.event === 'string' && typeof o.channel === 'string' && 'data' in o;
}

/** `order_book_*` (top-100 snapshot), `diff_order_book_*` (changed levels), `detail_order_book_*` (+ order id). */
export interface BitstampBookData {
  timestamp: string;
  microtimestamp: string;
  bids: string[][];
  asks: string[][];
}

export function isBitstampBookData(x: unknown): x is BitstampBookData {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.microtimestamp === 'string' && Array.isArray(o.bids) && Array.isArray(o.asks);
}

const idSchema = z.union([z.string(), z.number()]).transform((v) => String(v));

export const wsErrorDataSchema = z.looseObject({
  code: z.number().nullable().optional(),
  message: z.string(),
});

export const liveTradeSchema = z.looseObject({
  id: z.number(),
  timestamp: z.string(),
  microtimestamp: z.string(),
  amount: z.number(),
  amount_str: z.string(),
  price: z.number(),
  price_str: z.string(),
  type: z.union([z.literal(0), z.literal(1)]),
  buy_order_id: z.number().optional(),
  sell_order_id: z.number().optional(),
});

export const wsOrderSchema = z.looseObject({
  id: z.number(),
  id_str: z.string().optional(),
  order_type: z.union([z.literal(0), z.literal(1)]),
  datetime: z.string(),
  microtimestamp: z.string(),
  amount: z.number(),
  amount_str: z.string(),
  price: z.number(),
  price_str: z.string(),
  client_order_id: z.string().optional(),
});

/** POST /buy|sell/{market}/: the order as placed; no fill information. */
export const orderResponseSchema = z.looseObject({
  id: idSchema,
  datetime: z.string(),
  type: z.union([z.literal('0'), z.literal('1'), z.literal(0), z.literal(1)]),
  price: z.string(),
  amount: z.string(),
  client_order_id: z.string().optional(),
  market: z.string().optional(),
  currency_pair: z.string().optional(),
});

export const orderStatusValueSchema = z.enum(['Open', 'Finished', 'Expired', 'Canceled', 'Cancel pending']);

/** Transactions carry per-currency keys named after the market (`"btc"`, `"usd"`), hence loose. */
export const orderTransactionSchema = z.looseObject({
  tid: idSchema,
  price: z.string(),
  fee: z.string(),
  datetime: z.string(),
  type: z.number(),
});

export const orderStatusResponseSchema = z.looseObject({
  id: idSchema,
  datetime: z.string().optional(),
  type: z.union([z.string(), z.number()]).optional(),
  status: orderStatusValueSchema,
  market: z.string().optional(),
  amount_remaining: z.string().optional(),
  client_order_id: z.string().optional(),
  transactions: z.array(orderTransactionSchema).default([]),
});
export type BitstampOrderStatus = z.infer<typeof orderStatusResponseSchema>;

export const cancelResponseSchema = z.looseObject({
  id: idSchema,
  amount: z.union([z.string(), z.number()]).optional(),
  price: z.union([z.string(), z.number()]).optional(),
  type: z.union([z.string(), z.number()]).optional(),
});
