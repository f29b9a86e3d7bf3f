/**
 * Raw Gemini shapes (cex-protocols.md §2.3–2.7) with runtime guards.
 *
 * `l2_updates` levels are checked by hand on the hot path; order events and REST use zod. Order
 * events arrive as JSON *arrays*, while the ack and heartbeats are objects.
 */
import { z } from 'zod';

/** `[side, price, quantity]`; quantity is the new absolute level size, "0" removes it. */
export type GeminiChange = [string, string, string];

export interface GeminiL2Updates {
  type: 'l2_updates';
  symbol: string;
  changes: GeminiChange[];
  trades?: unknown[];
  auction_events?: unknown[];
}

export function isGeminiL2Updates(x: unknown): x is GeminiL2Updates {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return o.type === 'l2_updates' && typeof o.symbol === 'string' && Array.isArray(o.changes);
}

export const tradeSchema = z.looseObject({
  type: z.literal('trade'),
  symbol: z.string(),
  event_id: z.number().optional(),
  timestamp: z.number(),
  price: z.string(),
  quantity: z.string(),
  side: z.enum(['buy', 'sell']),
  tid: z.number(),
});
export type GeminiTrade = z.infer<typeof tradeSchema>;

/** Market-data error, e.g. `{"result":"error","reason":"NoValidTradingPairs"}`; also REST errors. */
export const errorBodySchema = z.looseObject({
  result: z.literal('error'),
  reason: z.string(),
  message: z.string().optional(),
});

/** v1 market data and order-events heartbeat; both carry `socket_sequence`. */
export const heartbeatSchema = z.looseObject({
  type: z.literal('heartbeat'),
  socket_sequence: z.number().int(),
  timestampms: z.number().optional(),
  sequence: z.number().optional(),
  trace_id: z.string().optional(),
});

export const subscriptionAckSchema = z.looseObject({
  type: z.literal('subscription_ack'),
  accountId: z.number().optional(),
  subscriptionId: z.string().optional(),
  symbolFilter: z.array(z.string()).optional(),
  apiSessionFilter: z.array(z.string()).optional(),
  eventTypeFilter: z.array(z.string()).optional(),
});

export const orderEventTypeSchema = z.enum([
  'initial',
  'accepted',
  'rejected',
  'booked',
  'fill',
  'cancelled',
  'cancel_rejected',
  'closed',
]);
export type GeminiOrderEventType = z.infer<typeof orderEventTypeSchema>;

export const fillInfoSchema = z.looseObject({
  trade_id: z.string(),
  liquidity: z.string(),
  price: z.string(),
  amount: z.string(),
  fee: z.string(),
  fee_currency: z.string(),
});

export const orderEventSchema = z.looseObject({
  type: orderEventTypeSchema,
  order_id: z.string(),
  event_id: z.string().optional(),
  client_order_id: z.string().optional(),
  api_session: z.string().optional(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  order_type: z.string(),
  behavior: z.string().optional(),
  timestamp: z.string(),
  timestampms: z.number(),
  is_live: z.boolean(),
  is_cancelled: z.boolean(),
  is_hidden: z.boolean().optional(),
  avg_execution_price: z.string().optional(),
  executed_amount: z.string().optional(),
  // Absent for market buys.
  remaining_amount: z.string().optional(),
  original_amount: z.string().optional(),
  price: z.string().optional(),
  socket_sequence: z.number().int(),
  fill: fillInfoSchema.optional(),
  reason: z.string().optional(),
  cancel_command_id: z.string().optional(),
});
export type GeminiOrderEvent = z.infer<typeof orderEventSchema>;

/** REST order object: `/v1/order/new`, `/v1/order/status`, `/v1/order/cancel`. */
export const restOrderSchema = z.looseObject({
  order_id: z.string(),
  id: z.string().optional(),
  symbol: z.string(),
  exchange: z.string().optional(),
  avg_execution_price: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.string(),
  timestamp: z.string().optional(),
  timestampms: z.number().optional(),
  is_live: z.boolean(),
  is_cancelled: z.boolean(),
  is_hidden: z.boolean().optional(),
  was_forced: z.boolean().optional(),
  executed_amount: z.string(),
  client_order_id: z.string().optional(),
  options: z.array(z.string()).optional(),
  price: z.string().optional(),
  original_amount: z.string().optional(),
  remaining_amount: z.string().optional(),
  reason: z.string().optional(),
});
export type GeminiRestOrder = z.infer<typeof restOrderSchema>;

/** `/v1/mytrades` element. */
export const myTradeSchema = z.looseObject({
  price: z.string(),
  amount: z.string(),
  timestamp: z.number(),
  timestampms: z.number(),
  type: z.enum(['Buy', 'Sell']),
  aggressor: z.boolean(),
  fee_currency: z.string(),
  fee_amount: z.string(),
  tid: z.number(),
  order_id: z.string(),
  client_order_id: z.string().optional(),
  symbol: z.string().optional(),
});
