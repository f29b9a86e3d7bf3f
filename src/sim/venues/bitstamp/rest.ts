import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimKeyring } from '../../credentials.ts';
import { type Asset, formatPrice, formatSize, parseUnits } from '../../market/assets.ts';
import type { MarketModel } from '../../market/model.ts';
import { BASE_DECIMALS, formatBig, formatQuote, type MatchingEngine, QUOTE_DECIMALS, type SimOrder } from '../../matching/engine.ts';
import { readBody, sendJson } from '../../net/server.ts';
import { BitstampAuthenticator } from './auth.ts';
import { pairAsset } from './wire.ts';

export interface BitstampRestDeps {
  model: MarketModel;
  engine: MatchingEngine;
  keys: SimKeyring['bitstamp'];
}

function datetime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

function fail(res: ServerResponse, status: number, response_code: string, message: string): void {
  sendJson(res, status, { status: 'error', reason: { __all__: [message] }, response_code });
}

function market(a: Asset): string {
  return `${a}/USD`;
}

function orderStatus(o: SimOrder, model: MarketModel): Record<string, unknown> {
  const spec = model.spec(o.asset);
  const base = o.asset.toLowerCase();
  return {
    id: Number(o.id),
    datetime: datetime(o.created_ms),
    type: o.side === 'buy' ? '0' : '1',
    status: o.status === 'FILLED' ? 'Finished' : 'Expired',
    market: market(o.asset),
    amount_remaining: '0.00000000',
    client_order_id: o.client_order_id,
    transactions: o.fills.map((f) => ({
      tid: 300_000_000 + f.trade_id,
      price: formatPrice(spec, f.price),
      fee: formatQuote(f.fee).slice(0, -5),
      datetime: datetime(f.ts_ms),
      type: 2,
      [base]: formatSize(spec, f.size),
      usd: formatQuote(f.quote).slice(0, -5),
    })),
  };
}

function placeOrder(d: BitstampRestDeps, side: 'buy' | 'sell', asset: Asset, form: URLSearchParams, res: ServerResponse): void {
  const flags = ['daily_order', 'ioc_order', 'fok_order', 'moc_order', 'gtd_order'].filter((f) => form.has(f) && form.get(f) === 'True');
  if (flags.length > 1) return fail(res, 400, '400.024', 'Only one of optional parameters can be set.');
  if (form.has('limit_price') && flags.length > 0) return fail(res, 400, '400.025', 'limit_price can not be combined with the optional order flags.');
  const tif = flags[0] === 'ioc_order' ? 'ioc' : flags[0] === 'fok_order' ? 'fok' : undefined;
  if (tif === undefined) return fail(res, 400, '400.000', 'cambist sim only matches ioc_order=True or fok_order=True limit orders (nothing rests)');
  const cid = form.get('client_order_id') ?? '';
  if (cid !== '' && d.engine.orderByClientId('bitstamp', cid) !== undefined) return fail(res, 400, '400.019', 'Provided client_order_id already exists.');
  const spec = d.model.spec(asset);
  const size = parseUnits(form.get('amount') ?? '', spec.size_decimals);
  const limit = parseUnits(form.get('price') ?? '', spec.price_decimals);
  if (size === undefined || size <= 0) return fail(res, 400, '400.001', `Invalid amount ${form.get('amount') ?? ''}.`);
  if (limit === undefined || limit <= 0) return fail(res, 400, '400.001', `Invalid price ${form.get('price') ?? ''}.`);
  const o = d.engine.place({ venue: 'bitstamp', asset, side, tif, limit, size, client_order_id: cid === '' ? `bitstamp-auto-${d.engine.allOrders('bitstamp').length}` : cid }, (n) => (1_600_000_000 + n).toString());
  if (o.status === 'REJECTED') return fail(res, 400, '400.009', 'You need more balance to complete this order.');
  // Like the venue, the create response carries no fill information; order_status has it.
  sendJson(res, 200, { id: o.id, datetime: datetime(o.created_ms), type: side === 'buy' ? '0' : '1', price: formatPrice(spec, o.limit), amount: formatSize(spec, o.size), client_order_id: cid, market: market(asset) });
}

const TRADE = /^\/api\/v2\/(buy|sell)\/([a-z]+)\/$/;

/** Bitstamp private REST v2; returns false for routes it does not own (public ones). */
export function bitstampRest(d: BitstampRestDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const auth = new BitstampAuthenticator(d.keys);
  const owned = (path: string): boolean =>
    TRADE.test(path) || ['/api/v2/order_status/', '/api/v2/account_balances/', '/api/v2/fees/trading/', '/api/v2/cancel_order/', '/api/v2/open_orders/all/'].includes(path) || path.startsWith('/api/v2/user_transactions/');
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = await readBody(req);
    if (req.method !== 'POST') return fail(res, 405, '405.000', 'POST required');
    const a = auth.verify(req, body, d.model.nowMs());
    if (!a.ok) return sendJson(res, 403, { status: 'error', reason: a.reason, code: a.code });
    const form = new URLSearchParams(body);
    const t = TRADE.exec(path);
    if (t !== null) {
      const asset = pairAsset(t[2], d.model.assets);
      if (asset === undefined) return fail(res, 404, '404.002', `Unknown market ${t[2]}.`);
      return placeOrder(d, t[1] as 'buy' | 'sell', asset, form, res);
    }
    if (path === '/api/v2/order_status/') {
      const id = form.get('id');
      const cid = form.get('client_order_id');
      const o = id !== null ? d.engine.order('bitstamp', id) : cid !== null ? d.engine.orderByClientId('bitstamp', cid) : undefined;
      if (o === undefined) return fail(res, 404, '404.002', 'Order not found.');
      return sendJson(res, 200, orderStatus(o, d.model));
    }
    if (path === '/api/v2/account_balances/') {
      return sendJson(res, 200, d.engine.currencies('bitstamp').map((cur) => {
        const v = formatBig(d.engine.balance('bitstamp', cur), cur === 'USD' ? QUOTE_DECIMALS : BASE_DECIMALS);
        const s = cur === 'USD' ? v.slice(0, -5) : v;
        return { currency: cur.toLowerCase(), total: s, available: s, reserved: cur === 'USD' ? '0.00000' : '0.00000000' };
      }));
    }
    if (path === '/api/v2/fees/trading/') {
      return sendJson(res, 200, d.model.assets.map((a) => ({ market: `${a.toLowerCase()}usd`, fees: { maker: '0.08000', taker: '0.16000' } })));
    }
    if (path === '/api/v2/open_orders/all/') return sendJson(res, 200, []);
    if (path === '/api/v2/cancel_order/') return fail(res, 404, '404.002', 'Order not found.');
    const pair = /^\/api\/v2\/user_transactions\/(?:([a-z]+)\/)?$/.exec(path);
    const asset = pair?.[1] === undefined ? undefined : pairAsset(pair[1], d.model.assets);
    const orders = d.engine.allOrders('bitstamp').filter((o) => asset === undefined || o.asset === asset);
    return sendJson(res, 200, orders.flatMap((o) => {
      const spec = d.model.spec(o.asset);
      const sign = o.side === 'buy' ? '' : '-';
      return o.fills.map((f) => ({
        id: 300_000_000 + f.trade_id,
        order_id: Number(o.id),
        datetime: datetime(f.ts_ms),
        type: '2',
        fee: formatQuote(f.fee).slice(0, -5),
        [o.asset.toLowerCase()]: `${sign}${formatSize(spec, f.size)}`,
        usd: `${o.side === 'buy' ? '-' : ''}${formatQuote(f.quote).slice(0, -5)}`,
        [`${o.asset.toLowerCase()}_usd`]: Number(formatPrice(spec, f.price)),
      }));
    }).reverse());
  };
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!owned(path)) return false;
    handle(req, res).catch((e: unknown) => fail(res, 500, '500.000', e instanceof Error ? e.message : String(e)));
    return true;
  };
}
