import type { WebSocket } from 'ws';
import type { VenueFaults } from '../../faults.ts';
import { type Asset, type AssetSpec, formatPrice, formatSize } from '../../market/assets.ts';
import type { L2Change } from '../../market/book.ts';
import type { BookUpdate, MarketModel, TradePrint } from '../../market/model.ts';
import type { Scheduler } from '../../market/scheduler.ts';
import { Outbox } from '../../net/outbox.ts';
import { StaleGate } from '../../net/stale-gate.ts';

/** Market-data symbols are UPPERCASE on v2 (`BTCUSD`); REST and order events use lowercase. */
export function geminiSymbol(asset: Asset): string {
  return `${asset}USD`;
}

export function symbolAsset(symbol: string, assets: readonly Asset[]): Asset | undefined {
  const m = /^([A-Z]+)USD$/.exec(symbol);
  const a = m?.[1] as Asset | undefined;
  return a !== undefined && assets.includes(a) ? a : undefined;
}

export interface GeminiTrade {
  type: 'trade';
  symbol: string;
  event_id: number;
  timestamp: number;
  price: string;
  quantity: string;
  side: 'buy' | 'sell';
  tid: number;
}

function changeRow(spec: AssetSpec, c: L2Change): [string, string, string] {
  return [c.side === 'bid' ? 'buy' : 'sell', formatPrice(spec, c.price), formatSize(spec, c.size)];
}

/** Shared across connections: the last 50 trades per symbol, sent with the first `l2_updates`. */
export class GeminiTape {
  private readonly recent = new Map<Asset, GeminiTrade[]>();
  private event_id = 169_841_458;

  record(e: BookUpdate, spec: AssetSpec): GeminiTrade[] {
    const out = e.trades.map((t: TradePrint) => ({
      type: 'trade' as const,
      symbol: geminiSymbol(e.asset),
      event_id: this.event_id++,
      timestamp: e.ts_ms,
      price: formatPrice(spec, t.price),
      quantity: formatSize(spec, t.size),
      side: t.side,
      tid: 2_840_140_800_000_000 + t.id,
    }));
    const list = [...(this.recent.get(e.asset) ?? []), ...out];
    this.recent.set(e.asset, list.slice(-50));
    return out;
  }

  last(asset: Asset): GeminiTrade[] {
    return [...(this.recent.get(asset) ?? [])].reverse();
  }
}

export interface GeminiWsOptions {
  model: MarketModel;
  scheduler: Scheduler;
  faults: VenueFaults;
  tape: GeminiTape;
  /** Trades of each model event, as recorded by the tape (the server records once, sockets fan out). */
  onTrades(fn: (e: BookUpdate, trades: GeminiTrade[]) => void): () => void;
}

/** One Gemini v2 market-data connection (`wss://api.gemini.com/v2/marketdata`). */
export function serveGeminiSocket(ws: WebSocket, o: GeminiWsOptions): void {
  const out = new Outbox(ws, o.scheduler, o.faults);
  const l2 = new Set<Asset>();
  const error = (reason: string): void => out.send({ result: 'error', reason });

  const deliver = ({ e, trades }: { e: BookUpdate; trades: GeminiTrade[] }): void => {
    if (o.faults.takeGap()) return;
    const spec = o.model.spec(e.asset);
    if (e.changes.length > 0) out.send({ type: 'l2_updates', symbol: geminiSymbol(e.asset), changes: e.changes.map((c) => changeRow(spec, c)) });
    for (const t of trades) out.send(t);
  };
  const gate = new StaleGate(o.faults, deliver);
  const offModel = o.onTrades((e, trades) => {
    if (l2.has(e.asset)) gate.push({ e, trades });
  });

  const handle = (text: string): void => {
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch (e) {
      return error(`InvalidJson: ${e instanceof Error ? e.message : String(e)}`);
    }
    const o2 = m as { type?: unknown; subscriptions?: unknown };
    if (typeof m !== 'object' || m === null || (o2.type !== 'subscribe' && o2.type !== 'unsubscribe') || !Array.isArray(o2.subscriptions)) {
      return error('InvalidRequest');
    }
    for (const s of o2.subscriptions as unknown[]) {
      const sub = s as { name?: unknown; symbols?: unknown };
      if (typeof s !== 'object' || s === null || sub.name !== 'l2') return error('InvalidSubscription');
      const symbols = Array.isArray(sub.symbols) ? sub.symbols.filter((x): x is string => typeof x === 'string') : [];
      const assets = symbols.map((x) => symbolAsset(x, o.model.assets)).filter((a): a is Asset => a !== undefined);
      if (assets.length === 0) return error('NoValidTradingPairs');
      for (const a of assets) {
        if (o2.type === 'unsubscribe') {
          l2.delete(a);
          continue;
        }
        if (l2.has(a)) continue;
        l2.add(a);
        gate.discard(({ e }) => e.asset === a);
        const spec = o.model.spec(a);
        const snap = o.model.snapshot('gemini', a);
        const changes = [
          ...snap.bids.map((l) => changeRow(spec, { side: 'bid', price: l.price, size: l.size })),
          ...snap.asks.map((l) => changeRow(spec, { side: 'ask', price: l.price, size: l.size })),
        ];
        out.send({ type: 'l2_updates', symbol: geminiSymbol(a), changes, trades: o.tape.last(a), auction_events: [] });
      }
    }
  };

  ws.on('message', (data, isBinary) => {
    if (isBinary) return error('InvalidRequest');
    handle(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  });
  const offDrop = o.faults.onDrop(() => ws.terminate());
  ws.on('close', () => {
    offModel();
    offDrop();
    gate.close();
    out.close();
  });
}
