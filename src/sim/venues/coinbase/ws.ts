import type { WebSocket } from 'ws';
import type { VenueFaults } from '../../faults.ts';
import type { Asset } from '../../market/assets.ts';
import type { BookUpdate, MarketModel } from '../../market/model.ts';
import type { Scheduler, Timer } from '../../market/scheduler.ts';
import { Outbox } from '../../net/outbox.ts';
import { StaleGate } from '../../net/stale-gate.ts';
import { goTimeString, rfc3339Nanos } from '../time.ts';
import { productAsset, productId, snapshotEntries, updateEntries } from './wire.ts';

export interface CoinbaseWsOptions {
  model: MarketModel;
  scheduler: Scheduler;
  faults: VenueFaults;
  /** The venue disconnects a socket that has not subscribed within 5 s; tests shorten it. */
  subscribe_deadline_ms: number;
  heartbeat_ms: number;
  /** Optional `user` channel (needs a JWT); undefined → the channel is refused. */
  user?: CoinbaseUserChannel;
}

/** Seam for the private `user` channel so market data does not depend on the order engine. */
export interface CoinbaseUserChannel {
  /** Returns an error message when the JWT is not acceptable. */
  verifyWsJwt(jwt: unknown): Promise<string | undefined>;
  /** Starts streaming order events; `send` builds a full envelope. Returns an unsubscribe function. */
  subscribe(send: (events: unknown[]) => void, product_ids: string[]): () => void;
}

interface SubscribeMsg {
  type: 'subscribe' | 'unsubscribe';
  channel: string;
  product_ids?: string[];
  jwt?: unknown;
}

function parseControl(text: string): SubscribeMsg | string {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    return `malformed JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof m !== 'object' || m === null) return 'message must be a JSON object';
  const o = m as Record<string, unknown>;
  if (o.type !== 'subscribe' && o.type !== 'unsubscribe') return `unknown message type ${JSON.stringify(o.type)}`;
  if ('channels' in o) return 'use "channel" (one channel per message), not "channels"';
  if (typeof o.channel !== 'string' || o.channel === '') return 'channel is required';
  if (o.product_ids !== undefined && (!Array.isArray(o.product_ids) || o.product_ids.some((p) => typeof p !== 'string'))) {
    return 'product_ids must be an array of strings';
  }
  return { type: o.type, channel: o.channel, product_ids: o.product_ids as string[] | undefined, jwt: o.jwt };
}

/** One Coinbase Advanced Trade market-data connection (`wss://advanced-trade-ws.coinbase.com`). */
export function serveCoinbaseSocket(ws: WebSocket, o: CoinbaseWsOptions): void {
  const out = new Outbox(ws, o.scheduler, o.faults);
  const clock = o.scheduler.clock;
  let seq = 0;
  let hbCounter = 0;
  let hbTimer: Timer | undefined;
  let subscribed = false;
  const level2 = new Set<Asset>();
  let userUnsub: (() => void) | undefined;
  let userProducts: string[] | undefined;

  const stamp = (): string => {
    const us = clock.wallUs?.() ?? clock.nowMs() * 1000;
    const ms = Math.floor(us / 1000);
    return rfc3339Nanos(ms, Math.floor((us - ms * 1000) * 1000));
  };
  const envelope = (channel: string, events: unknown[]): Record<string, unknown> => ({
    channel,
    client_id: '',
    // Stamped with sub-millisecond wall time, as Coinbase stamps its envelopes in ns: the engine
    // measures frame→signal from it.
    timestamp: stamp(),
    sequence_num: seq++,
    events,
  });
  const sendError = (message: string): void => out.send({ type: 'error', message });
  const ack = (): void => {
    const subs: Record<string, string[]> = {};
    if (level2.size > 0) subs.level2 = [...level2].map(productId);
    if (hbTimer !== undefined) subs.heartbeats = ['heartbeats'];
    if (userProducts !== undefined) subs.user = userProducts;
    out.send(envelope('subscriptions', [{ subscriptions: subs }]));
  };

  const deadline = o.scheduler.after(o.subscribe_deadline_ms, () => {
    if (!subscribed) ws.close(1008, 'subscribe deadline exceeded');
  });

  const sendUpdate = (e: BookUpdate): void => {
    if (o.faults.takeGap()) {
      seq++;
      return;
    }
    const spec = o.model.spec(e.asset);
    const events = [{ type: 'update', product_id: productId(e.asset), updates: updateEntries(spec, e.changes, rfc3339Nanos(e.ts_ms)) }];
    out.send(envelope('l2_data', events));
  };
  const gate = new StaleGate<BookUpdate>(o.faults, sendUpdate);
  const offModel = o.model.onEvent((e) => {
    if (e.kind === 'book' && e.venue === 'coinbase' && level2.has(e.asset) && e.changes.length > 0) gate.push(e);
  });

  const handle = async (text: string): Promise<void> => {
    const m = parseControl(text);
    if (typeof m === 'string') return sendError(m);
    if (m.channel === 'heartbeats') {
      hbTimer?.cancel();
      hbTimer = undefined;
      if (m.type === 'subscribe') {
        hbTimer = o.scheduler.every(o.heartbeat_ms, () => {
          out.send(envelope('heartbeats', [{ current_time: goTimeString(clock.nowMs(), clock.monoUs()), heartbeat_counter: ++hbCounter }]));
        });
        subscribed = true;
      }
      return ack();
    }
    if (m.channel === 'level2') {
      const ids = m.product_ids ?? [];
      if (m.type === 'unsubscribe' && m.product_ids === undefined) {
        level2.clear();
        return ack();
      }
      if (ids.length === 0) return sendError('level2 requires product_ids');
      const assets: Asset[] = [];
      for (const id of ids) {
        const a = productAsset(id, o.model.assets);
        if (a === undefined) return sendError(`Failed to subscribe: unknown product_id ${id}`);
        if (!assets.includes(a)) assets.push(a);
      }
      if (m.type === 'unsubscribe') {
        for (const a of assets) level2.delete(a);
        return ack();
      }
      subscribed = true;
      for (const a of assets) {
        if (level2.has(a)) continue;
        level2.add(a);
        gate.discard((e) => e.asset === a);
        const snap = o.model.snapshot('coinbase', a);
        out.send(envelope('l2_data', [{ type: 'snapshot', product_id: productId(a), updates: snapshotEntries(o.model.spec(a), snap.bids, snap.asks) }]));
      }
      return ack();
    }
    if (m.channel === 'user') {
      if (o.user === undefined) return sendError('user channel is not available in this simulator configuration');
      if (m.type === 'unsubscribe') {
        userUnsub?.();
        userUnsub = undefined;
        userProducts = undefined;
        return ack();
      }
      const bad = await o.user.verifyWsJwt(m.jwt);
      if (bad !== undefined) return sendError(bad);
      userUnsub?.();
      userProducts = m.product_ids ?? [];
      userUnsub = o.user.subscribe((events) => out.send(envelope('user', events)), userProducts);
      subscribed = true;
      return ack();
    }
    return sendError(`channel ${m.channel} is not simulated (level2, heartbeats, user are)`);
  };

  ws.on('message', (data, isBinary) => {
    if (isBinary) return sendError('binary frames are not accepted');
    handle(Buffer.isBuffer(data) ? data.toString('utf8') : String(data)).catch((e: unknown) => {
      sendError(`internal simulator error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
  const offDrop = o.faults.onDrop(() => ws.terminate());
  ws.on('close', () => {
    deadline.cancel();
    hbTimer?.cancel();
    userUnsub?.();
    offModel();
    gate.close();
    offDrop();
    out.close();
  });
}
