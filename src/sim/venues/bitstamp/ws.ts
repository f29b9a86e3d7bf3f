import type { WebSocket } from 'ws';
import type { VenueFaults } from '../../faults.ts';
import { formatUnits } from '../../market/assets.ts';
import type { BookUpdate, MarketModel } from '../../market/model.ts';
import type { Scheduler, Timer } from '../../market/scheduler.ts';
import type { StableUpdate } from '../../market/stable.ts';
import { Outbox } from '../../net/outbox.ts';
import { StaleGate } from '../../net/stale-gate.ts';
import { type BitstampInstrument, bitstampPair, bookStamp, levelRows, levelRowsJson, pairInstrument } from './wire.ts';

export interface BitstampWsOptions {
  model: MarketModel;
  scheduler: Scheduler;
  faults: VenueFaults;
  /** After `bts:request_reconnect` the venue closes the socket; how long it waits first. */
  reconnect_grace_ms: number;
}

type Kind = 'order_book' | 'diff_order_book' | 'live_trades';
const CHANNEL = /^(order_book|diff_order_book|live_trades)_([a-z]+)$/;

/** One Bitstamp WebSocket v2 connection (`wss://ws.bitstamp.net`). */
export function serveBitstampSocket(ws: WebSocket, o: BitstampWsOptions): void {
  const out = new Outbox(ws, o.scheduler, o.faults);
  const subs = new Map<string, { kind: Kind; asset: BitstampInstrument }>();
  let reconnectTimer: Timer | undefined;
  const error = (message: string, code: number | null = null): void => out.send({ event: 'bts:error', channel: '', data: { code, message } });

  const deliver = (u: BookUpdate | StableUpdate): void => {
    if (o.faults.takeGap()) return;
    // The USDC/USD book (a StableUpdate, no trade prints) goes out exactly like an asset's book.
    const book = 'kind' in u ? u : undefined;
    const asset: BitstampInstrument = book?.asset ?? 'USDC';
    const spec = book ? o.model.spec(book.asset) : o.model.usdc.spec;
    const pair = bitstampPair(asset);
    const stamp = bookStamp(u.micros);
    for (const [channel, s] of subs) {
      if (s.asset !== asset) continue;
      if (s.kind === 'diff_order_book' && u.changes.length > 0) {
        const bids = u.changes.filter((c) => c.side === 'bid');
        const asks = u.changes.filter((c) => c.side === 'ask');
        out.send({ event: 'data', channel, data: { ...stamp, bids: levelRows(spec, bids), asks: levelRows(spec, asks) } });
      } else if (s.kind === 'order_book' && u.changes.length > 0) {
        const snap = book ? o.model.snapshot('bitstamp', book.asset, 100) : o.model.usdc.snapshot(100);
        // Same text as JSON.stringify of {event, channel, data: {timestamp, microtimestamp, bids, asks}}, built from cached rows.
        out.sendText(`{"event":"data","channel":${JSON.stringify(channel)},"data":{"timestamp":"${stamp.timestamp}","microtimestamp":"${stamp.microtimestamp}","bids":${levelRowsJson(spec, snap.bids)},"asks":${levelRowsJson(spec, snap.asks)}}}`);
      } else if (s.kind === 'live_trades' && book) {
        for (const t of book.trades) {
          const price = formatUnits(t.price, spec.price_decimals);
          const amount = formatUnits(t.size, spec.size_decimals);
          out.send({
            event: 'trade',
            channel: `live_trades_${pair}`,
            data: {
              id: t.id,
              timestamp: stamp.timestamp,
              microtimestamp: stamp.microtimestamp,
              amount: Number(amount),
              amount_str: amount,
              price: Number(price),
              price_str: price,
              type: t.side === 'buy' ? 0 : 1,
              buy_order_id: 1_600_000_000_000 + 2 * t.id,
              sell_order_id: 1_600_000_000_000 + 2 * t.id + 1,
            },
          });
        }
      }
    }
  };
  // `order_book` snapshots are read from the live book when delivered, so held ones repeat the current top 100.
  const gate = new StaleGate<BookUpdate | StableUpdate>(o.faults, deliver);
  const offModel = o.model.onEvent((e) => {
    if (e.kind === 'book' && e.venue === 'bitstamp' && [...subs.values()].some((s) => s.asset === e.asset)) gate.push(e);
  });
  const offStable = o.model.usdc.onUpdate((u) => {
    if ([...subs.values()].some((s) => s.asset === 'USDC')) gate.push(u);
  });

  const handle = (text: string): void => {
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch (e) {
      return error(`Bad JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const msg = m as { event?: unknown; data?: { channel?: unknown } };
    if (typeof m !== 'object' || m === null) return error('Bad JSON.');
    if (msg.event === 'bts:heartbeat') {
      out.send({ event: 'bts:heartbeat', channel: '', data: { status: 'success' } });
      return;
    }
    if (msg.event !== 'bts:subscribe' && msg.event !== 'bts:unsubscribe') return error('Bad event.');
    const channel = msg.data?.channel;
    if (typeof channel !== 'string') return error('Bad subscription string.');
    if (channel.startsWith('private-')) return error('Connection is unauthorized.', 4009);
    const cm = CHANNEL.exec(channel);
    const asset = cm === null ? undefined : pairInstrument(cm[2], o.model.assets);
    if (cm === null || asset === undefined) return error('Bad subscription string.');
    if (msg.event === 'bts:unsubscribe') {
      subs.delete(channel);
      out.send({ event: 'bts:unsubscription_succeeded', channel, data: {} });
      return;
    }
    subs.set(channel, { kind: cm[1] as Kind, asset });
    out.send({ event: 'bts:subscription_succeeded', channel, data: {} });
  };

  ws.on('message', (data, isBinary) => {
    if (isBinary) return error('Bad JSON.');
    handle(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  });
  const offDrop = o.faults.onDrop(() => ws.terminate());
  const offReconnect = o.faults.onReconnectRequest(() => {
    out.send({ event: 'bts:request_reconnect', channel: '', data: '' });
    reconnectTimer ??= o.scheduler.after(o.reconnect_grace_ms, () => ws.close(1001, 'reconnect requested'));
  });
  ws.on('close', () => {
    reconnectTimer?.cancel();
    offModel();
    offStable();
    offDrop();
    offReconnect();
    gate.close();
    out.close();
  });
}
