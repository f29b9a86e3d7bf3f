import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimKeyring } from '../../credentials.ts';
import { type Asset, formatPrice, formatSize, parseUnits } from '../../market/assets.ts';
import type { MarketModel } from '../../market/model.ts';
import { avgPrice, BASE_DECIMALS, formatBig, formatQuote, type MatchingEngine, QUOTE_DECIMALS, type SimOrder } from '../../matching/engine.ts';
import { readBody, sendJson } from '../../net/server.ts';
import { GeminiAuthenticator } from './auth.ts';
import { type GeminiOrderEventsDeps, GeminiSessions } from './order-events.ts';

export interface GeminiRestDeps {
  model: MarketModel;
  engine: MatchingEngine;
  keys: SimKeyring['gemini'];
}

const OPTIONS = ['maker-or-cancel', 'immediate-or-cancel', 'fill-or-kill', 'auction-only', 'indication-of-interest'];

function err(res: ServerResponse, status: number, reason: string, message: string): void {
  sendJson(res, status, { result: 'error', reason, message });
}

function symbolAsset(sym: unknown, assets: readonly Asset[]): Asset | undefined {
  const m = typeof sym === 'string' ? /^([a-z]+)usd$/.exec(sym) : null;
  const a = m?.[1].toUpperCase() as Asset | undefined;
  return a !== undefined && assets.includes(a) ? a : undefined;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Order object as `/v1/order/new` and `/v1/order/status` return it (state after matching, so IOC results are final). */
export function geminiOrder(o: SimOrder, model: MarketModel, withTrades = false): Record<string, unknown> {
  const spec = model.spec(o.asset);
  const out: Record<string, unknown> = {
    order_id: o.id,
    id: o.id,
    symbol: `${o.asset.toLowerCase()}usd`,
    exchange: 'gemini',
    avg_execution_price: o.filled === 0 ? '0.00' : avgPrice(o, spec.price_decimals),
    side: o.side,
    type: 'exchange limit',
    timestamp: Math.floor(o.created_ms / 1000).toString(),
    timestampms: o.created_ms,
    is_live: false,
    is_cancelled: o.status === 'CANCELLED',
    is_hidden: false,
    was_forced: false,
    executed_amount: trim(formatSize(spec, o.filled)),
    client_order_id: o.client_order_id,
    options: [o.tif === 'ioc' ? 'immediate-or-cancel' : 'fill-or-kill'],
    price: formatPrice(spec, o.limit),
    original_amount: trim(formatSize(spec, o.size)),
    remaining_amount: trim(formatSize(spec, o.size - o.filled)),
  };
  if (o.status === 'CANCELLED') out.reason = o.tif === 'ioc' ? 'ImmediateOrCancelWouldPost' : 'FillOrKillWouldNotFill';
  if (withTrades) out.trades = geminiTrades(o, model);
  return out;
}

function geminiTrades(o: SimOrder, model: MarketModel): Record<string, unknown>[] {
  const spec = model.spec(o.asset);
  return o.fills.map((f) => ({
    price: formatPrice(spec, f.price),
    amount: trim(formatSize(spec, f.size)),
    timestamp: Math.floor(f.ts_ms / 1000),
    timestampms: f.ts_ms,
    type: o.side === 'buy' ? 'Buy' : 'Sell',
    aggressor: true,
    fee_currency: 'USD',
    fee_amount: trim(formatQuote(f.fee)),
    tid: 2_000_000_000 + f.trade_id,
    order_id: o.id,
    client_order_id: o.client_order_id,
    exchange: 'gemini',
    is_auction_fill: false,
    is_clearing_fill: false,
    symbol: `${o.asset.toLowerCase()}usd`,
  }));
}

function newOrder(d: GeminiRestDeps, sessions: GeminiSessions, apiKey: string, p: Record<string, unknown>, res: ServerResponse): void {
  const cid = p.client_order_id === undefined ? '' : p.client_order_id;
  if (typeof cid !== 'string') return err(res, 400, 'InvalidClientOrderId', 'client_order_id must be a string');
  if (cid.length > 100) return err(res, 400, 'ClientOrderIdTooLong', 'client_order_id must be under 100 characters');
  const asset = symbolAsset(p.symbol, d.model.assets);
  if (asset === undefined) return err(res, 400, 'InvalidSymbol', `unknown symbol ${String(p.symbol)} (use lowercase, e.g. btcusd)`);
  if (p.side !== 'buy' && p.side !== 'sell') return err(res, 400, 'InvalidSide', `side must be buy or sell`);
  if (p.type !== 'exchange limit') return err(res, 400, 'InvalidOrderType', `type ${String(p.type)} not supported; Gemini has no market orders, use "exchange limit"`);
  const options = Array.isArray(p.options) ? (p.options as unknown[]) : [];
  if (options.length > 1) return err(res, 400, 'ConflictingOptions', 'A single order supports at most one of these options');
  if (options.some((x) => typeof x !== 'string' || !OPTIONS.includes(x))) return err(res, 400, 'UnsupportedOption', `options ${JSON.stringify(options)}`);
  const tif = options[0] === 'immediate-or-cancel' ? 'ioc' : options[0] === 'fill-or-kill' ? 'fok' : undefined;
  if (tif === undefined) return err(res, 400, 'UnsupportedOption', 'cambist sim only matches immediate-or-cancel and fill-or-kill orders (nothing rests)');
  const spec = d.model.spec(asset);
  const size = typeof p.amount === 'string' ? parseUnits(p.amount, spec.size_decimals) : undefined;
  const limit = typeof p.price === 'string' ? parseUnits(p.price, spec.price_decimals) : undefined;
  if (size === undefined || size <= 0) return err(res, 400, 'InvalidQuantity', `invalid amount ${String(p.amount)}`);
  if (limit === undefined || limit <= 0) return err(res, 400, 'InvalidPrice', `invalid price ${String(p.price)}`);
  // The engine reports the order to the order-events socket from inside `place`; that is when it needs the key (api_session).
  sessions.placing = apiKey;
  let o: SimOrder;
  try {
    o = d.engine.place({ venue: 'gemini', asset, side: p.side, tif, limit, size, client_order_id: cid }, (n) => (106_027_397_700 + n).toString());
  } finally {
    sessions.placing = undefined;
  }
  if (o.status === 'REJECTED') return err(res, 406, 'InsufficientFunds', 'Insufficient funds');
  sendJson(res, 200, geminiOrder(o, d.model));
}

/**
 * The REST handler, carrying what the order-events socket must share with it (`orderEvents`): one
 * authenticator, because Gemini's nonce rule is per key across REST and the WS handshake.
 */
export type GeminiRestHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { readonly orderEvents: GeminiOrderEventsDeps };

/** Gemini private REST (`https://api.gemini.com/v1/...`): POST only, auth in headers, empty body. */
export function geminiRest(d: GeminiRestDeps): GeminiRestHandler {
  const auth = new GeminiAuthenticator(d.keys);
  const sessions = new GeminiSessions();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    await readBody(req);
    if (req.method !== 'POST') return err(res, 404, 'EndpointNotFound', `API entry point ${req.method ?? ''} ${path} not found`);
    const a = auth.verify(req, path, d.model.nowMs());
    if (!a.ok) return err(res, a.status, a.reason, a.message);
    const p = a.payload;
    switch (path) {
      case '/v1/order/new':
        return newOrder(d, sessions, a.api_key, p, res);
      case '/v1/order/status': {
        const o = p.order_id !== undefined ? d.engine.order('gemini', String(p.order_id)) : typeof p.client_order_id === 'string' ? d.engine.orderByClientId('gemini', p.client_order_id) : undefined;
        if (o === undefined) return err(res, 400, 'OrderNotFound', 'Order not found');
        return sendJson(res, 200, geminiOrder(o, d.model, p.include_trades === true));
      }
      case '/v1/orders':
        return sendJson(res, 200, []);
      case '/v1/mytrades': {
        const asset = symbolAsset(p.symbol, d.model.assets);
        if (asset === undefined) return err(res, 400, 'InvalidSymbol', 'symbol is required');
        const limit = typeof p.limit_trades === 'number' ? p.limit_trades : 50;
        const trades = d.engine.allOrders('gemini').filter((o) => o.asset === asset).flatMap((o) => geminiTrades(o, d.model)).reverse();
        return sendJson(res, 200, trades.slice(0, limit));
      }
      case '/v1/balances':
        return sendJson(
          res,
          200,
          d.engine.currencies('gemini').map((cur) => {
            const v = trim(formatBig(d.engine.balance('gemini', cur), cur === 'USD' ? QUOTE_DECIMALS : BASE_DECIMALS));
            return { type: 'exchange', currency: cur, amount: v, available: v, availableForWithdrawal: v };
          }),
        );
      case '/v1/notionalvolume':
        return sendJson(res, 200, {
          web_maker_fee_bps: 25, web_taker_fee_bps: 35, web_auction_fee_bps: 25,
          api_maker_fee_bps: 10, api_taker_fee_bps: 35, api_auction_fee_bps: 20,
          fix_maker_fee_bps: 10, fix_taker_fee_bps: 35, fix_auction_fee_bps: 20,
          block_maker_fee_bps: 0, block_taker_fee_bps: 50,
          notional_30d_volume: 0, last_updated_ms: d.model.nowMs(), date: new Date(d.model.nowMs()).toISOString().slice(0, 10), notional_1d_volume: [],
        });
      case '/v1/heartbeat':
        return sendJson(res, 200, { result: 'ok' });
      case '/v1/order/cancel':
        return err(res, 400, 'OrderNotFound', 'IOC/FOK orders are final at once; nothing to cancel');
      default:
        return err(res, 404, 'EndpointNotFound', `API entry point ${path} not found`);
    }
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => err(res, 500, 'InternalServerError', e instanceof Error ? e.message : String(e)));
  };
  return Object.assign(handler, { orderEvents: { model: d.model, engine: d.engine, auth, sessions } });
}
