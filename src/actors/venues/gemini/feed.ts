import { errorMessage } from '../../../shared/errors.ts';
import type { FeedAdapter, FeedContext } from '../common/book-feed.ts';
import { GuardedSink } from '../common/guarded-sink.ts';
import { geminiL2ToSink, parseGeminiMarket } from './parse.ts';

/**
 * Gemini v2 market data (cex-protocols.md §2.3): one socket for every symbol, `l2` subscriptions
 * with UPPERCASE symbols. The first `l2_updates` per symbol on a connection is the full book; v2
 * has no sequence numbers and no documented heartbeat, so the book-feed staleness timer is the
 * only liveness signal, and resubscribing (a reconnect) replays the snapshot.
 */
export class GeminiFeedAdapter implements FeedAdapter {
  readonly venue = 'gemini' as const;
  private sink: GuardedSink | undefined;

  /** The configured URL is the market-data socket itself (`wss://api.gemini.com/v2/marketdata`). */
  url(base: string): string {
    return base;
  }

  reset(): void {
    this.sink?.reset();
  }

  onOpen(ctx: FeedContext, symbols: readonly string[]): void {
    ctx.send(JSON.stringify({ type: 'subscribe', subscriptions: [{ name: 'l2', symbols }] }));
  }

  onFrame(text: string, recvUs: number, ctx: FeedContext): void {
    const sink = (this.sink ??= new GuardedSink(ctx.books));
    let frame;
    try {
      frame = parseGeminiMarket(JSON.parse(text));
    } catch (e) {
      ctx.resync(`unreadable frame: ${errorMessage(e)}`);
      return;
    }
    switch (frame.kind) {
      case 'l2': {
        sink.startMessage();
        geminiL2ToSink(frame.l2, sink, !sink.hasSnapshot(frame.l2.symbol));
        if (sink.touched.length > 0) ctx.applied(frame.l2.symbol, 0, recvUs);
        return;
      }
      case 'error':
        ctx.resync(frame.error.message);
        return;
      default:
        ctx.alive();
    }
  }
}
