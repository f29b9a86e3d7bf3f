/**
 * Coinbase `user` channel (cex-protocols.md §1.5): private order updates for fill tracking.
 *
 * One reconnecting socket to the user endpoint; on every open it subscribes `user` (and
 * `heartbeats`, so the socket never idles out) with a freshly minted WebSocket JWT (no `uri`
 * claim). Each order update goes to `onUpdate` with the size newly executed since the last update
 * for that order (`CumulativeFills`: Coinbase sends cumulative quantities only, no per-fill records).
 *
 * What the stream cannot promise, it says: a `sequence_num` gap, an unreadable frame or a lost
 * socket means updates may have been missed, so the stream reconnects and calls `onResync`; the
 * owner then reconciles its in-flight orders through REST (`requestOrder`/`requestFills`). The
 * snapshot after a reconnect only re-baselines, it never produces fill deltas.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { errorMessage } from '../../../shared/errors.ts';
import { WsSession } from '../common/ws-session.ts';
import { coinbaseJwt } from './auth.ts';
import { CoinbaseError } from './errors.ts';
import { CumulativeFills } from './fills.ts';
import { type OrderUpdate, parseCoinbaseUser, readCoinbaseWs } from './parse.ts';
import type { CoinbaseCredentials } from './rest.ts';
import { CoinbaseSequence } from './sequence.ts';

export interface UserOrderEvent {
  order: OrderUpdate;
  /** From the subscribe-time snapshot of open orders: state only, never a fill. */
  snapshot: boolean;
  /** Base size executed since the previous update for this order, exact; undefined when none. */
  fillDelta: string | undefined;
  /** Monotonic receive time, µs (clock seam). */
  recvUs: number;
}

export interface CoinbaseUserStreamOptions {
  /** `wss://advanced-trade-ws-user.coinbase.com` or the simulator's `urls.coinbase.ws_user`. */
  url: string;
  credentials: CoinbaseCredentials;
  productIds?: readonly string[];
  clock?: Clock;
  random?: () => number;
  jwtNonce?: () => string;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  onUpdate(e: UserOrderEvent): void;
  /** Updates may have been missed (gap, bad frame, socket lost): reconcile in-flight orders via REST. */
  onResync?(reason: string): void;
  /** The venue refused the subscription (e.g. authentication): the stream stops; retrying would not help. */
  onError?(e: CoinbaseError): void;
}

export class CoinbaseUserStream {
  readonly #creds: CoinbaseCredentials;
  private readonly session: WsSession;
  private readonly seq = new CoinbaseSequence();
  private readonly fills = new CumulativeFills();
  private readonly clock: Clock;
  private readonly jwtNonce: () => string;
  /** Count of sockets that reached the subscription ack; tests and health read it. */
  subscribedCount = 0;

  constructor(private readonly o: CoinbaseUserStreamOptions) {
    this.#creds = { ...o.credentials };
    this.clock = o.clock ?? systemClock;
    this.jwtNonce = o.jwtNonce ?? (() => randomBytes(16).toString('hex'));
    this.session = new WsSession({
      url: o.url,
      clock: this.clock,
      random: o.random ?? Math.random,
      initialBackoffMs: o.initialBackoffMs ?? 250,
      maxBackoffMs: o.maxBackoffMs ?? 10_000,
      onOpen: (send) => this.subscribe(send),
      onFrame: (text, recvUs) => this.frame(text, recvUs),
      onClose: (reason) => this.lost(reason),
    });
  }

  start(): void {
    this.session.start();
  }

  stop(): void {
    this.session.stop();
  }

  get isOpen(): boolean {
    return this.session.isOpen;
  }

  private jwt(): string {
    return coinbaseJwt({ keyName: this.#creds.keyName, privateKey: this.#creds.privateKey, nowSec: this.clock.nowMs() / 1000, nonce: this.jwtNonce() });
  }

  private subscribe(send: (text: string) => void): void {
    this.seq.reset();
    const products = this.o.productIds === undefined ? {} : { product_ids: [...this.o.productIds] };
    // One channel per subscribe message; each carries its own fresh JWT.
    send(JSON.stringify({ type: 'subscribe', channel: 'user', ...products, jwt: this.jwt() }));
    send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats', jwt: this.jwt() }));
  }

  private lost(reason: string): void {
    this.seq.reset();
    // Cumulative baselines from the old socket are kept: the next snapshot re-baselines open orders,
    // and an update on a new socket still diffs against what was last seen, so no fill counts twice.
    this.o.onResync?.(`user stream lost: ${reason}`);
  }

  private frame(text: string, recvUs: number): void {
    let env;
    try {
      env = readCoinbaseWs(JSON.parse(text));
    } catch (e) {
      if (e instanceof CoinbaseError && e.code === 'coinbase.ws_error') {
        this.session.stop();
        this.o.onError?.(e);
        return;
      }
      this.session.reconnectNow(`unreadable user frame: ${errorMessage(e)}`);
      return;
    }
    const verdict = this.seq.observe(env.sequence_num);
    if (verdict === 'stale') return;
    if (verdict === 'gap') {
      this.session.reconnectNow(`sequence gap at sequence_num ${env.sequence_num}`);
      return;
    }
    if (env.channel === 'subscriptions') {
      this.subscribedCount++;
      return;
    }
    if (env.channel !== 'user') return;
    let events;
    try {
      events = parseCoinbaseUser(env);
    } catch (e) {
      this.session.reconnectNow(`unreadable user event: ${errorMessage(e)}`);
      return;
    }
    for (const ev of events) {
      for (const order of ev.orders) {
        const fillDelta = this.fills.observe(order, ev.snapshot);
        this.o.onUpdate({ order, snapshot: ev.snapshot, fillDelta, recvUs });
      }
    }
  }
}
