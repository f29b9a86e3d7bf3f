import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { VenueFaults } from '../../faults.ts';
import { formatPrice, formatSize } from '../../market/assets.ts';
import type { MarketModel } from '../../market/model.ts';
import type { Scheduler, Timer } from '../../market/scheduler.ts';
import { avgPrice, formatQuote, type MatchingEngine, type SimOrder } from '../../matching/engine.ts';
import { Outbox } from '../../net/outbox.ts';
import { StaleGate } from '../../net/stale-gate.ts';
import type { GeminiAuthenticator } from './auth.ts';

/**
 * Gemini's archived order-events socket (`wss://api.gemini.com/v1/order/events`, cex-protocols.md
 * §2.5): REST-style auth headers on the HTTP upgrade, a `subscription_ack` object, then order events
 * as JSON *arrays* and (with `heartbeat=true`) heartbeat objects every 5 s. `socket_sequence` starts
 * at 0 on the first message after the ack and goes up by one on every message, heartbeats included.
 */
export const ORDER_EVENTS_PATH = '/v1/order/events';

/** Which API key placed which order (`api_session`), filled in by the REST handler. */
export class GeminiSessions {
  private readonly byOrder = new Map<string, string>();
  /** Key of the `/v1/order/new` being matched right now: the engine reports the order synchronously inside `place`. */
  placing: string | undefined;

  record(orderId: string): string | undefined {
    const key = this.placing;
    if (key !== undefined) this.byOrder.set(orderId, key);
    return key ?? this.byOrder.get(orderId);
  }
}

/** What the REST side shares with the socket: the same authenticator, so REST and WS nonces are one sequence per key. */
export interface GeminiOrderEventsDeps {
  model: MarketModel;
  engine: MatchingEngine;
  auth: GeminiAuthenticator;
  sessions: GeminiSessions;
}

export interface GeminiOrderEventsOptions extends GeminiOrderEventsDeps {
  scheduler: Scheduler;
  faults: VenueFaults;
  heartbeat_ms?: number;
}

export interface GeminiPrivateWs {
  paths: string[];
  check(req: IncomingMessage): number | undefined;
  serve(ws: WebSocket, req: IncomingMessage): void;
  close(): void;
}

type Event = Record<string, unknown>;

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * The life of one sim order as Gemini reports it. The engine matches an IOC/FOK in one step and
 * reports only the final order, so the events are replayed from its fills: `accepted`, one `fill`
 * per fill (cumulative amounts after that fill), `cancelled` for an IOC/FOK remainder, `closed` last.
 * `booked` never appears (Gemini skips it when an order fills at once or an IOC cancels), nor
 * `initial` (nothing rests, so there are no open orders at subscribe time). A funds rejection is a
 * lone `rejected` [U: whether Gemini follows it with `closed` is undocumented].
 */
export function orderLifeEvents(o: SimOrder, model: MarketModel, apiSession: string | undefined, nextEventId: () => string): Event[][] {
  const spec = model.spec(o.asset);
  const now = model.nowMs();
  const base = (type: string, filled: number, quote: bigint, live: boolean, cancelled: boolean): Event => ({
    type,
    order_id: o.id,
    event_id: nextEventId(),
    account_name: 'primary',
    client_order_id: o.client_order_id,
    ...(apiSession === undefined ? {} : { api_session: apiSession }),
    symbol: `${o.asset.toLowerCase()}usd`,
    side: o.side,
    order_type: 'exchange limit',
    behavior: o.tif === 'ioc' ? 'immediate-or-cancel' : 'fill-or-kill',
    timestamp: Math.floor(now / 1000).toString(),
    timestampms: now,
    is_live: live,
    is_cancelled: cancelled,
    is_hidden: false,
    avg_execution_price: filled === 0 ? '0' : avgPrice({ ...o, filled, filled_quote: quote }, spec.price_decimals),
    executed_amount: trim(formatSize(spec, filled)),
    remaining_amount: trim(formatSize(spec, o.size - filled)),
    original_amount: trim(formatSize(spec, o.size)),
    price: formatPrice(spec, o.limit),
  });
  if (o.status === 'REJECTED') return [[{ ...base('rejected', 0, 0n, false, false), reason: 'InsufficientFunds' }]];
  const out: Event[][] = [[base('accepted', 0, 0n, true, false)]];
  let filled = 0;
  let quote = 0n;
  for (const f of o.fills) {
    filled += f.size;
    quote += f.quote;
    out.push([
      {
        ...base('fill', filled, quote, filled < o.size, false),
        fill: {
          trade_id: (2_000_000_000 + f.trade_id).toString(),
          liquidity: 'Taker',
          price: formatPrice(spec, f.price),
          amount: trim(formatSize(spec, f.size)),
          fee: trim(formatQuote(f.fee)),
          fee_currency: 'USD',
        },
      },
    ]);
  }
  const cancelled = o.status === 'CANCELLED';
  if (cancelled) out.push([{ ...base('cancelled', filled, quote, false, true), reason: o.tif === 'ioc' ? 'ImmediateOrCancelWouldPost' : 'FillOrKillWouldNotFill' }]);
  out.push([base('closed', filled, quote, false, cancelled)]);
  return out;
}

function queryList(q: URLSearchParams, name: string): string[] {
  return q.getAll(name).flatMap((v) => v.split(',')).filter((v) => v.length > 0);
}

/**
 * The `privateWs` hook of the Gemini server. Auth failures refuse the upgrade with the REST status
 * (400; the reference does not say which status Gemini uses at the upgrade, see the README).
 */
export function geminiOrderEventsWs(o: GeminiOrderEventsOptions): GeminiPrivateWs {
  const heartbeatMs = o.heartbeat_ms ?? 5_000;
  let subscriptions = 0;
  let eventIds = 134_150_423_886;
  const nextEventId = (): string => (eventIds++).toString();
  const sockets = new Set<(events: Event[][]) => void>();
  // Subscribed for the server's life, not per socket: orders placed while no socket is open still
  // need their api_session recorded. The engine reports each order once; every socket renders the
  // same events (same event ids) from it.
  const offEngine = o.engine.onOrder((order) => {
    if (order.venue !== 'gemini') return;
    const session = o.sessions.record(order.id);
    if (sockets.size === 0) return;
    const events = orderLifeEvents(order, o.model, session, nextEventId);
    for (const fn of sockets) fn(events);
  });

  return {
    paths: [ORDER_EVENTS_PATH],
    close: offEngine,
    check(req) {
      const a = o.auth.verify(req, ORDER_EVENTS_PATH, o.model.nowMs());
      return a.ok ? undefined : a.status;
    },
    serve(ws, req) {
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const symbolFilter = queryList(q, 'symbolFilter').map((s) => s.toLowerCase());
      const eventTypeFilter = queryList(q, 'eventTypeFilter');
      const apiSessionFilter = queryList(q, 'apiSessionFilter');
      const wantHeartbeat = q.get('heartbeat') === 'true';
      const out = new Outbox(ws, o.scheduler, o.faults);
      const id = ++subscriptions;
      let seq = 0;
      let heartbeats = 0;
      const traceId = `sim${id.toString(16).padStart(6, '0')}`;

      // The number is taken before the gap check: a `gap` fault loses the message *and* its number,
      // so the client sees socket_sequence jump, as with a real loss.
      const emit = (msg: Event | Event[]): void => {
        const n = seq++;
        if (o.faults.takeGap()) return;
        if (Array.isArray(msg)) out.send(msg.map((e) => ({ ...e, socket_sequence: n })));
        else out.send({ ...msg, socket_sequence: n });
      };
      const wanted = (e: Event): boolean =>
        (symbolFilter.length === 0 || symbolFilter.includes(e.symbol as string)) &&
        (eventTypeFilter.length === 0 || eventTypeFilter.includes(e.type as string)) &&
        (apiSessionFilter.length === 0 || apiSessionFilter.includes(e.api_session as string));
      // A `stale` fault holds order events (heartbeats continue), like the market-data sockets.
      const gate = new StaleGate<Event[][]>(o.faults, (batches) => {
        for (const b of batches) {
          const kept = b.filter(wanted);
          if (kept.length > 0) emit(kept);
        }
      });
      const onOrder = (events: Event[][]): void => gate.push(events);

      out.send({
        type: 'subscription_ack',
        accountId: 19_433_282,
        subscriptionId: `orderevents-websocket-${traceId}`,
        symbolFilter,
        apiSessionFilter,
        eventTypeFilter,
      });
      sockets.add(onOrder);
      const hb: Timer | undefined = wantHeartbeat
        ? o.scheduler.every(heartbeatMs, () => emit({ type: 'heartbeat', timestampms: o.scheduler.clock.nowMs(), sequence: heartbeats++, trace_id: traceId }))
        : undefined;
      const offDrop = o.faults.onDrop(() => ws.terminate());
      ws.on('close', () => {
        sockets.delete(onOrder);
        hb?.cancel();
        offDrop();
        gate.close();
        out.close();
      });
    },
  };
}
