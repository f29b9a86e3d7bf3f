/**
 * Gemini order events (cex-protocols.md §2.5, archived but live): private order updates for fill
 * tracking, on `wss://api.gemini.com/v1/order/events?heartbeat=true`.
 *
 * Auth is REST-style headers on the HTTP upgrade (payload `{"request":"/v1/order/events","nonce":N}`,
 * no query string in `request`), with a fresh nonce per connection. Gemini's nonce rule is per key
 * across REST and this handshake, so pass the same `nonce` source the key's `GeminiRest` uses.
 *
 * What the stream cannot promise, it says: a `socket_sequence` gap, an unreadable frame, a lost
 * socket or more than `heartbeatTimeoutMs` of silence (heartbeats come every 5 s) means updates may
 * have been missed, so the stream reconnects and, once the new subscription is acked, calls
 * `onResync` once; the owner then reconciles its in-flight orders through REST. Calling it at the
 * ack rather than at the loss means a REST check made then also covers orders placed while the
 * socket was down.
 */
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { type Dec, decCmp, decParse, decSub, decToString } from '../../../shared/decimal.ts';
import { errorMessage } from '../../../shared/errors.ts';
import { WsSession } from '../common/ws-session.ts';
import { GeminiNonce, geminiHeaders } from './auth.ts';
import { GeminiError } from './errors.ts';
import { type Fill, type GeminiOrderEventDomain, type GeminiOrderFrame, type OrderUpdate, parseGeminiOrderEvents } from './parse.ts';
import type { GeminiCredentials } from './rest.ts';
import { GeminiSequence } from './sequence.ts';
import type { GeminiOrderEventType } from './wire.ts';

export const ORDER_EVENTS_REQUEST = '/v1/order/events';

export interface GeminiOrderEvent {
  type: GeminiOrderEventType;
  order: OrderUpdate;
  /** This fill only, on `fill` events. */
  fill: Fill | undefined;
  /** An `initial` event (open order at subscribe time): state only, never a fill delta. */
  snapshot: boolean;
  /** Base size executed since the previous event for this order, exact; undefined when none. */
  fillDelta: string | undefined;
  /** Monotonic receive time, µs (clock seam). */
  recvUs: number;
}

export interface GeminiOrderEventsOptions {
  /** `wss://api.gemini.com/v1/order/events` or the simulator's; `heartbeat=true` is added. */
  url: string;
  credentials: GeminiCredentials;
  /** Nonce source for the handshake; share the key's REST source. Default: ms `GeminiNonce` on `clock`. */
  nonce?: { next(): number };
  clock?: Clock;
  random?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Silence after which the socket is dead (default 10 s: two missed 5 s heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Consecutive refused handshakes before giving up with `onError` (default 3; a nonce race can refuse one). */
  maxRefusedHandshakes?: number;
  /** Lowercase symbols (`symbolFilter`); all when absent. */
  symbols?: readonly string[];
  onUpdate(e: GeminiOrderEvent): void;
  /** Updates may have been missed (gap, bad frame, silence, socket lost): reconcile in-flight orders via REST. */
  onResync?(reason: string): void;
  /** Gemini keeps refusing the handshake (bad key, signature, role): the stream stops; retrying would not help. */
  onError?(e: GeminiError): void;
}

const ZERO: Dec = { units: 0n, scale: 0 };

/**
 * Fill deltas from order snapshots. Each order event carries the cumulative `executed_amount`; the
 * delta from the last value seen is what this event executed. Cumulative rather than `fill.amount`
 * so a replayed or re-snapshotted order can never count a fill twice. `initial` events set the
 * baseline without a delta. Baselines are dropped at `closed` (always last in an order's life) and
 * `rejected`, not at the first terminal state: a `cancelled` IOC remainder is still followed by `closed`.
 */
export class GeminiFillTracker {
  private readonly seen = new Map<string, Dec>();

  observe(ev: GeminiOrderEventDomain): string | undefined {
    const id = ev.order.orderId;
    const now = decParse(ev.order.filledSize);
    const base = this.seen.get(id) ?? ZERO;
    const c = decCmp(now, base);
    const snapshot = ev.type === 'initial';
    if (c < 0 && !snapshot) {
      throw new GeminiError('gemini.bad_message', `executed_amount went down for order ${id}`, { retry: 'fatal', outcome: 'unknown' });
    }
    if (ev.type === 'closed' || ev.type === 'rejected') this.seen.delete(id);
    else this.seen.set(id, now);
    return snapshot || c <= 0 ? undefined : decToString(decSub(now, base));
  }

  /**
   * New subscription: Gemini sends `initial` for every open order before any live event, so old
   * baselines are replaced by those; orders absent from it are closed and get no further events.
   */
  clear(): void {
    this.seen.clear();
  }

  get size(): number {
    return this.seen.size;
  }
}

/** The HTTP status of a refused upgrade, from the `ws` error text the session reports ("Unexpected server response: 400"). */
export function refusedStatus(closeReason: string): number | undefined {
  const m = /Unexpected server response: (\d{3})/.exec(closeReason);
  return m === null ? undefined : Number(m[1]);
}

export class GeminiOrderEvents {
  readonly #creds: GeminiCredentials;
  private readonly session: WsSession;
  private readonly seq = new GeminiSequence();
  private readonly fills = new GeminiFillTracker();
  private readonly clock: Clock;
  private readonly nonce: { next(): number };
  private readonly timeoutMs: number;
  private readonly maxRefused: number;
  private watchdog: NodeJS.Timeout | undefined;
  private lastFrameMs = 0;
  private opened = false;
  private acked = false;
  private refused = 0;
  private nonceError: unknown;
  private pendingResync: string | undefined;
  /** Count of sockets that reached the subscription ack; tests and health read it. */
  subscribedCount = 0;
  /** Count of resyncs reported (gaps, silences, lost sockets that had been subscribed). */
  resyncCount = 0;

  constructor(private readonly o: GeminiOrderEventsOptions) {
    this.#creds = { ...o.credentials };
    this.clock = o.clock ?? systemClock;
    this.nonce = o.nonce ?? new GeminiNonce({ nowMs: () => this.clock.nowMs() });
    this.timeoutMs = o.heartbeatTimeoutMs ?? 10_000;
    this.maxRefused = o.maxRefusedHandshakes ?? 3;
    const url = new URL(o.url);
    url.searchParams.set('heartbeat', 'true');
    for (const s of o.symbols ?? []) url.searchParams.append('symbolFilter', s.toLowerCase());
    this.session = new WsSession({
      url: url.toString(),
      clock: this.clock,
      random: o.random ?? Math.random,
      initialBackoffMs: o.initialBackoffMs ?? 250,
      maxBackoffMs: o.maxBackoffMs ?? 10_000,
      headers: () => this.handshakeHeaders(),
      onOpen: () => this.open(),
      onFrame: (text, recvUs) => this.frame(text, recvUs),
      onClose: (reason) => this.lost(reason),
    });
  }

  start(): void {
    this.session.start();
    this.watchdog ??= setInterval(() => this.checkAlive(), Math.max(50, Math.min(1_000, this.timeoutMs / 4)));
    this.watchdog.unref();
  }

  stop(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.session.stop();
  }

  /** Subscribed (acked) and not known to be lost. */
  get isLive(): boolean {
    return this.acked && this.session.isOpen;
  }

  private handshakeHeaders(): Record<string, string> {
    let nonce: number;
    try {
      nonce = this.nonce.next();
    } catch (e) {
      // A time-based nonce can run ahead of its window (`gemini.nonce_exhausted`). Connecting without
      // auth gets the upgrade refused, which counts towards `maxRefusedHandshakes`; the cause is kept
      // for the error reported if it keeps happening. Throwing here would escape a timer.
      this.nonceError = e;
      return {};
    }
    this.nonceError = undefined;
    const account = this.#creds.account === undefined ? {} : { account: this.#creds.account };
    const h = geminiHeaders({ apiKey: this.#creds.apiKey, apiSecret: this.#creds.apiSecret, payload: { request: ORDER_EVENTS_REQUEST, nonce, ...account } });
    return { 'X-GEMINI-APIKEY': h['X-GEMINI-APIKEY']!, 'X-GEMINI-PAYLOAD': h['X-GEMINI-PAYLOAD']!, 'X-GEMINI-SIGNATURE': h['X-GEMINI-SIGNATURE']! };
  }

  private open(): void {
    this.opened = true;
    this.acked = false;
    this.lastFrameMs = this.clock.nowMs();
  }

  private lost(reason: string): void {
    const wasAcked = this.acked;
    const wasOpened = this.opened;
    this.acked = false;
    this.opened = false;
    this.seq.reset();
    if (wasAcked) {
      this.pendingResync ??= reason;
      this.refused = 0;
      return;
    }
    const status = wasOpened ? undefined : refusedStatus(reason);
    if (status === undefined || status < 400 || status >= 500) return;
    this.refused++;
    if (this.refused < this.maxRefused) return;
    this.stop();
    this.o.onError?.(
      new GeminiError('gemini.auth', `Gemini refused the order-events handshake ${this.refused} times (HTTP ${status})`, {
        retry: 'non-retryable',
        outcome: 'rejected',
        httpStatus: status,
        cause: this.nonceError,
      }),
    );
  }

  private checkAlive(): void {
    if (!this.opened) return;
    const silentMs = this.clock.nowMs() - this.lastFrameMs;
    if (silentMs > this.timeoutMs) this.session.reconnectNow(`no heartbeat for ${silentMs} ms`);
  }

  private frame(text: string, recvUs: number): void {
    this.lastFrameMs = this.clock.nowMs();
    let f: GeminiOrderFrame;
    try {
      f = parseGeminiOrderEvents(JSON.parse(text));
    } catch (e) {
      this.session.reconnectNow(`unreadable order events frame: ${errorMessage(e)}`);
      return;
    }
    if (f.kind === 'ack') {
      this.acked = true;
      this.refused = 0;
      this.subscribedCount++;
      this.seq.reset();
      this.fills.clear();
      const why = this.pendingResync;
      this.pendingResync = undefined;
      if (why !== undefined) {
        this.resyncCount++;
        this.o.onResync?.(`order events resubscribed after: ${why}`);
      }
      return;
    }
    if (!this.acked) {
      this.session.reconnectNow(`order events ${f.kind} before subscription_ack`);
      return;
    }
    const verdict = this.seq.observe(f.socketSequence);
    if (verdict === 'stale') return;
    if (verdict === 'gap') {
      this.session.reconnectNow(`socket_sequence gap at ${f.socketSequence}`);
      return;
    }
    if (f.kind === 'heartbeat') return;
    for (const ev of f.events) {
      const fillDelta = this.fills.observe(ev);
      this.o.onUpdate({ type: ev.type, order: ev.order, fill: ev.fill, snapshot: ev.type === 'initial', fillDelta, recvUs });
    }
  }
}
