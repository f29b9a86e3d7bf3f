import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimKeyring } from '../../credentials.ts';
import { parseUnits } from '../../market/assets.ts';
import type { MarketModel } from '../../market/model.ts';
import { BASE_DECIMALS, formatBig, type MatchingEngine, QUOTE_DECIMALS, type SimOrder } from '../../matching/engine.ts';
import { readBody, sendJson } from '../../net/server.ts';
import { verifyCdpJwt } from './auth.ts';
import { CB_PORTFOLIO, cbOrderId, restFills, restOrder, userOrder } from './orders.ts';
import type { CoinbaseUserChannel } from './ws.ts';
import { productAsset } from './wire.ts';

const BASE = '/api/v3/brokerage';

export interface CoinbaseRestDeps {
  model: MarketModel;
  engine: MatchingEngine;
  keys: SimKeyring['coinbase'];
}

function grpcError(res: ServerResponse, status: number, error: string, code: number, message: string): void {
  sendJson(res, status, { error, code, message, details: [] });
}

/** HTTP 200 with success:false is how Coinbase reports an order it would not take. */
function rejected(res: ServerResponse, error: string, message: string, config: unknown): void {
  sendJson(res, 200, {
    success: false,
    error_response: { error, message, error_details: message, preview_failure_reason: `PREVIEW_${error}`, new_order_failure_reason: 'UNKNOWN_FAILURE_REASON' },
    order_configuration: config,
  });
}

async function createOrder(d: CoinbaseRestDeps, raw: string, res: ServerResponse): Promise<void> {
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(raw) as Record<string, unknown>;
  } catch (e) {
    return grpcError(res, 400, 'INVALID_ARGUMENT', 3, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const cfg = b.order_configuration as Record<string, Record<string, unknown>> | undefined;
  if (typeof b.client_order_id !== 'string' || b.client_order_id === '' || typeof b.product_id !== 'string' || (b.side !== 'BUY' && b.side !== 'SELL') || typeof cfg !== 'object' || cfg === null) {
    return grpcError(res, 400, 'INVALID_ARGUMENT', 3, 'client_order_id, product_id, side (BUY|SELL) and order_configuration are required');
  }
  const existing = d.engine.orderByClientId('coinbase', b.client_order_id);
  if (existing !== undefined) {
    // Documented idempotency: a repeated client_order_id returns the original order, creates nothing.
    return sendJson(res, 200, { success: true, success_response: successBody(existing), order_configuration: cfg });
  }
  const variants = Object.keys(cfg);
  if (variants.length !== 1) return grpcError(res, 400, 'INVALID_ARGUMENT', 3, 'order_configuration must hold exactly one variant');
  const variant = variants[0];
  const tif = variant === 'sor_limit_ioc' ? 'ioc' : variant === 'limit_limit_fok' ? 'fok' : undefined;
  if (tif === undefined) return rejected(res, 'UNSUPPORTED_ORDER_CONFIGURATION', `${variant} is not simulated (sor_limit_ioc, limit_limit_fok are)`, cfg);
  const asset = productAsset(b.product_id, d.model.assets);
  if (asset === undefined) return rejected(res, 'INVALID_PRODUCT_ID', `unknown product ${b.product_id}`, cfg);
  const spec = d.model.spec(asset);
  const v = cfg[variant];
  const size = typeof v.base_size === 'string' ? parseUnits(v.base_size, spec.size_decimals) : undefined;
  const limit = typeof v.limit_price === 'string' ? parseUnits(v.limit_price, spec.price_decimals) : undefined;
  if (size === undefined || size <= 0) return rejected(res, 'INVALID_SIZE_PRECISION', `base_size ${String(v.base_size)} is not a positive multiple of the base increment`, cfg);
  if (limit === undefined || limit <= 0) return rejected(res, 'INVALID_LIMIT_PRICE_PRECISION', `limit_price ${String(v.limit_price)} is not a positive multiple of the quote increment`, cfg);
  const o = d.engine.place({ venue: 'coinbase', asset, side: b.side === 'BUY' ? 'buy' : 'sell', tif, limit, size, client_order_id: b.client_order_id }, cbOrderId);
  if (o.status === 'REJECTED') return rejected(res, 'INSUFFICIENT_FUND', 'Insufficient balance in source account', cfg);
  sendJson(res, 200, { success: true, success_response: successBody(o), order_configuration: cfg });
}

function successBody(o: SimOrder): Record<string, unknown> {
  return { order_id: o.id, product_id: `${o.asset}-USD`, side: o.side.toUpperCase(), client_order_id: o.client_order_id };
}

function accounts(d: CoinbaseRestDeps): Record<string, unknown>[] {
  return d.engine.currencies('coinbase').map((cur, i) => {
    const value = formatBig(d.engine.balance('coinbase', cur), cur === 'USD' ? QUOTE_DECIMALS : BASE_DECIMALS);
    return {
      uuid: `00000000-0000-4000-9000-${(i + 1).toString(16).padStart(12, '0')}`,
      name: `${cur} Wallet`,
      currency: cur,
      available_balance: { value, currency: cur },
      default: true,
      active: true,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      deleted_at: null,
      type: cur === 'USD' ? 'ACCOUNT_TYPE_FIAT' : 'ACCOUNT_TYPE_CRYPTO',
      ready: true,
      hold: { value: '0', currency: cur },
      retail_portfolio_id: CB_PORTFOLIO,
    };
  });
}

/** Coinbase Advanced Trade private REST (`https://api.coinbase.com/api/v3/brokerage/...`). */
export function coinbaseRest(d: CoinbaseRestDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith(BASE)) return grpcError(res, 404, 'NOT_FOUND', 5, `no route ${url.pathname}`);
    const auth = req.headers.authorization;
    if (auth === undefined || !auth.startsWith('Bearer ')) return grpcError(res, 401, 'UNAUTHENTICATED', 16, 'missing Bearer JWT');
    const v = await verifyCdpJwt(d.keys, auth.slice(7), d.model.nowMs(), { method, path: url.pathname, host: req.headers.host });
    if (!v.ok) return grpcError(res, 401, 'UNAUTHENTICATED', 16, v.message);
    const body = await readBody(req);
    const path = url.pathname.slice(BASE.length);
    if (method === 'POST' && path === '/orders') return createOrder(d, body, res);
    if (method === 'GET' && path === '/orders/historical/fills') {
      const ids = url.searchParams.getAll('order_ids').concat(url.searchParams.getAll('order_id'));
      const products = url.searchParams.getAll('product_ids').concat(url.searchParams.getAll('product_id'));
      const orders = d.engine.allOrders('coinbase').filter((o) => (ids.length === 0 || ids.includes(o.id)) && (products.length === 0 || products.includes(`${o.asset}-USD`)));
      return sendJson(res, 200, { fills: orders.flatMap((o) => restFills(o, d.model)), cursor: '' });
    }
    const m = /^\/orders\/historical\/([^/]+)$/.exec(path);
    if (method === 'GET' && m !== null && m[1] !== 'batch') {
      const o = d.engine.order('coinbase', m[1]);
      if (o === undefined) return grpcError(res, 404, 'NOT_FOUND', 5, 'order with this orderID was not found');
      return sendJson(res, 200, { order: restOrder(o, d.model) });
    }
    if (method === 'GET' && path === '/orders/historical/batch') {
      const status = url.searchParams.getAll('order_status');
      const orders = d.engine.allOrders('coinbase').map((o) => restOrder(o, d.model)).filter((o) => status.length === 0 || status.includes(String(o.status)));
      return sendJson(res, 200, { orders, sequence: '0', has_next: false, cursor: '' });
    }
    if (method === 'POST' && path === '/orders/batch_cancel') {
      const ids = (JSON.parse(body || '{}') as { order_ids?: string[] }).order_ids ?? [];
      // Every simulated order is IOC/FOK and already final, so there is never anything left to cancel.
      return sendJson(res, 200, { results: ids.map((id) => ({ success: false, failure_reason: d.engine.order('coinbase', id) ? 'UNKNOWN_CANCEL_FAILURE_REASON' : 'UNKNOWN_CANCEL_ORDER', order_id: id })) });
    }
    if (method === 'GET' && path === '/accounts') {
      const list = accounts(d);
      return sendJson(res, 200, { accounts: list, has_next: false, cursor: '', size: list.length });
    }
    if (method === 'GET' && path === '/transaction_summary') {
      return sendJson(res, 200, {
        total_volume: 0,
        total_fees: 0,
        fee_tier: { pricing_tier: 'Advanced 1', usd_from: '0', usd_to: '10000', taker_fee_rate: '0.006', maker_fee_rate: '0.004', aop_from: '', aop_to: '' },
        margin_rate: null,
        goods_and_services_tax: null,
        advanced_trade_only_volume: 0,
        advanced_trade_only_fees: 0,
        coinbase_pro_volume: 0,
        coinbase_pro_fees: 0,
        has_promo_fee: false,
      });
    }
    return grpcError(res, 404, 'NOT_FOUND', 5, `no route ${method} ${url.pathname}`);
  };
  return (req, res) => {
    handle(req, res).catch((e: unknown) => grpcError(res, 500, 'INTERNAL', 13, e instanceof Error ? e.message : String(e)));
  };
}

/** The private `user` WS channel, fed by the matching engine. */
export function coinbaseUserChannel(d: CoinbaseRestDeps): CoinbaseUserChannel {
  return {
    async verifyWsJwt(jwt) {
      if (typeof jwt !== 'string') return 'user channel requires a jwt';
      const v = await verifyCdpJwt(d.keys, jwt, d.model.nowMs());
      return v.ok ? undefined : `authentication failure: ${v.message}`;
    },
    subscribe(send, product_ids) {
      // No order rests in the simulator, so the snapshot of open orders is always empty.
      send([{ type: 'snapshot', orders: [], positions: {} }]);
      return d.engine.onOrder((o) => {
        if (o.venue !== 'coinbase') return;
        if (product_ids.length > 0 && !product_ids.some((p) => productAsset(p, d.model.assets) === o.asset)) return;
        send([{ type: 'update', orders: [userOrder(o, d.model)] }]);
      });
    },
  };
}
