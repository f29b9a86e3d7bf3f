import { errorMessage } from '../../../shared/errors.ts';
import type { FeedAdapter, FeedContext } from '../common/book-feed.ts';
import { GuardedSink } from '../common/guarded-sink.ts';
import { SCAN_FALLBACK, scanCoinbaseL2 } from './l2-scan.ts';
import { coinbaseL2ToSink, readCoinbaseWs } from './parse.ts';
import { CoinbaseSequence } from './sequence.ts';

/**
 * Coinbase Advanced Trade market data (cex-protocols.md §1.4): `level2` and `heartbeats` on one
 * socket, one channel per subscribe message, sent on open (well inside the 5 s deadline).
 *
 * `sequence_num` counts every message on the connection (heartbeats and acks included), so it is
 * checked on every frame; a jump means the socket lost messages and every book on it is suspect:
 * resync (reconnect → fresh snapshots). An update for a product that never had its snapshot is the
 * same failure seen from the other side. The hot path scans `l2_data` text straight into the books
 * (no JSON.parse); anything else goes through the validated parser.
 */
export class CoinbaseFeedAdapter implements FeedAdapter {
  readonly venue = 'coinbase' as const;
  private readonly seq = new CoinbaseSequence();
  private sink: GuardedSink | undefined;

  url(base: string): string {
    return base;
  }

  reset(): void {
    this.seq.reset();
    this.sink?.reset();
  }

  onOpen(ctx: FeedContext, symbols: readonly string[]): void {
    ctx.send(JSON.stringify({ type: 'subscribe', product_ids: symbols, channel: 'level2' }));
    ctx.send(JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }));
  }

  onFrame(text: string, recvUs: number, ctx: FeedContext): void {
    const sink = (this.sink ??= new GuardedSink(ctx.books));
    sink.startMessage();
    let seq = scanCoinbaseL2(text, sink);
    if (seq === SCAN_FALLBACK) {
      let env;
      try {
        env = readCoinbaseWs(JSON.parse(text));
      } catch (e) {
        ctx.resync(`unreadable frame: ${errorMessage(e)}`);
        return;
      }
      seq = env.sequence_num;
      if (env.channel === 'l2_data') coinbaseL2ToSink(env, sink);
      else ctx.alive();
    }
    const verdict = this.seq.observe(seq);
    if (verdict === 'gap') return ctx.resync(`sequence gap at sequence_num ${seq}`);
    if (verdict === 'stale') return;
    if (sink.updateBeforeSnapshot) return ctx.resync(`update before snapshot for ${sink.updateBeforeSnapshot}`);
    if (sink.touched.length === 0) return;
    const exchMs = exchTimeMs(text);
    for (let i = 0; i < sink.touched.length; i++) ctx.applied(sink.touched[i]!, exchMs, recvUs);
  }
}

/**
 * The envelope's `timestamp` (RFC 3339 with ns) as epoch ms, read without parsing the JSON. The
 * digits past milliseconds are kept as a fraction (Date.parse drops them): frame→signal latency is
 * measured in microseconds.
 */
function exchTimeMs(text: string): number {
  const k = text.indexOf('"timestamp":"');
  if (k < 0) return 0;
  const end = text.indexOf('"', k + 13);
  const t = Date.parse(text.slice(k + 13, end));
  if (!Number.isFinite(t)) return 0;
  const dot = text.indexOf('.', k + 13);
  let sub = 0;
  if (dot > 0 && dot < end) {
    // digits 4.. of the fraction, i.e. below one millisecond
    let scale = 0.1;
    for (let i = dot + 4; i < end; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      sub += c * scale;
      scale /= 10;
    }
  }
  return t + sub;
}
