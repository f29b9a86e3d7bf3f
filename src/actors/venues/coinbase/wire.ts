/**
 * Raw Coinbase Advanced Trade shapes (cex-protocols.md §1.4–1.6) with runtime guards.
 *
 * The market-data envelope and `l2_data` levels are checked by hand (typeof tests, no allocation),
 * because they run per message; everything else uses zod, where clarity beats nanoseconds.
 * Order state enums are strict: an unknown status must fail loudly rather than be guessed.
 */
import { z } from 'zod';

export interface CoinbaseWsEnvelope {
  channel: string;
  client_id?: string;
  timestamp: string;
  sequence_num: number;
  events: unknown[];
}

export interface CoinbaseWsErrorFrame {
  type: 'error';
  message: string;
}

export function isCoinbaseWsEnvelope(x: unknown): x is CoinbaseWsEnvelope {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o.channel === 'string' &&
    typeof o.sequence_num === 'number' &&
    typeof o.timestamp === 'string' &&
    Array.isArray(o.events)
  );
}

export function isCoinbaseWsErrorFrame(x: unknown): x is CoinbaseWsErrorFrame {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return o.type === 'error' && typeof o.message === 'string';
}

/** One `l2_data` level; `new_quantity` is the absolute size, "0" deletes. */
export interface CoinbaseL2Level {
  side: 'bid' | 'offer';
  event_time: string;
  price_level: string;
  new_quantity: string;
}

export interface CoinbaseL2Event {
  type: 'snapshot' | 'update';
  product_id: string;
  updates: CoinbaseL2Level[];
}

export function isCoinbaseL2Event(x: unknown): x is CoinbaseL2Event {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return (o.type === 'snapshot' || o.type === 'update') && typeof o.product_id === 'string' && Array.isArray(o.updates);
}

export const heartbeatEventSchema = z.object({
  current_time: z.string(),
  heartbeat_counter: z.number().int(),
});

export const subscriptionsEventSchema = z.object({
  subscriptions: z.record(z.string(), z.array(z.string())),
});

export const orderStatusSchema = z.enum([
  'PENDING',
  'OPEN',
  'FILLED',
  'CANCELLED',
  'EXPIRED',
  'FAILED',
  'QUEUED',
  'CANCEL_QUEUED',
  'EDIT_QUEUED',
  'UNKNOWN_ORDER_STATUS',
]);
export type CoinbaseOrderStatus = z.infer<typeof orderStatusSchema>;

export const orderSideSchema = z.enum(['BUY', 'SELL']);

/** `user` channel order (asyncapi field list); quantities are cumulative, not per fill. */
export const userOrderSchema = z.looseObject({
  order_id: z.string(),
  client_order_id: z.string(),
  cumulative_quantity: z.string(),
  leaves_quantity: z.string(),
  avg_price: z.string(),
  total_fees: z.string(),
  status: orderStatusSchema,
  product_id: z.string(),
  creation_time: z.string().optional(),
  order_side: orderSideSchema,
  order_type: z.string(),
  cancel_reason: z.string().optional(),
  reject_reason: z.string().optional(),
  limit_price: z.string().optional(),
  number_of_fills: z.string().optional(),
  filled_value: z.string().optional(),
  time_in_force: z.string().optional(),
});
export type CoinbaseUserOrder = z.infer<typeof userOrderSchema>;

export const userEventSchema = z.looseObject({
  type: z.enum(['snapshot', 'update']),
  orders: z.array(userOrderSchema).default([]),
});

export const errorResponseSchema = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  error_details: z.string().optional(),
  preview_failure_reason: z.string().optional(),
  new_order_failure_reason: z.string().optional(),
});

/** POST /orders: HTTP 200 either way; `success` decides. */
export const createOrderResponseSchema = z.discriminatedUnion('success', [
  z.looseObject({
    success: z.literal(true),
    success_response: z.looseObject({
      order_id: z.string(),
      product_id: z.string().optional(),
      side: orderSideSchema.optional(),
      client_order_id: z.string().optional(),
    }),
  }),
  z.looseObject({
    success: z.literal(false),
    error_response: errorResponseSchema.default({}),
  }),
]);
export type CoinbaseCreateOrderResponse = z.infer<typeof createOrderResponseSchema>;

/** Non-2xx body: `{"error","code","message","details"}`. */
export const httpErrorBodySchema = z.looseObject({
  error: z.string().optional(),
  code: z.number().optional(),
  message: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});

export const historicalOrderSchema = z.looseObject({
  order_id: z.string(),
  product_id: z.string(),
  side: orderSideSchema,
  client_order_id: z.string(),
  status: orderStatusSchema,
  time_in_force: z.string().optional(),
  created_time: z.string().optional(),
  filled_size: z.string().optional(),
  average_filled_price: z.string().optional(),
  number_of_fills: z.string().optional(),
  filled_value: z.string().optional(),
  total_fees: z.string().optional(),
  order_type: z.string().optional(),
  reject_reason: z.string().optional(),
  reject_message: z.string().optional(),
  cancel_message: z.string().optional(),
  last_fill_time: z.string().nullable().optional(),
});
export const getOrderResponseSchema = z.looseObject({ order: historicalOrderSchema });
export type CoinbaseHistoricalOrder = z.infer<typeof historicalOrderSchema>;

export const fillSchema = z.looseObject({
  entry_id: z.string(),
  trade_id: z.string(),
  order_id: z.string(),
  trade_time: z.string(),
  trade_type: z.string(),
  price: z.string(),
  size: z.string(),
  commission: z.string(),
  product_id: z.string(),
  sequence_timestamp: z.string().optional(),
  liquidity_indicator: z.string().optional(),
  size_in_quote: z.boolean().optional(),
  side: orderSideSchema,
});
export const fillsResponseSchema = z.looseObject({
  fills: z.array(fillSchema),
  cursor: z.string().optional(),
});
export type CoinbaseFill = z.infer<typeof fillSchema>;

/** POST /orders/batch_cancel: per-order `success`; `failure_reason` is present even on success. */
export const batchCancelResponseSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      success: z.boolean(),
      failure_reason: z.string().optional(),
      order_id: z.string(),
    }),
  ),
});
