import { errorMessage } from '../../../shared/errors.ts';
import type { FeedAdapter, FeedContext } from '../common/book-feed.ts';
import { GuardedSink } from '../common/guarded-sink.ts';
import { bitstampChannel } from './symbols.ts';
import { bitstampBookToSink, parseBitstampWs } from './parse.ts';

/**
 * Bitstamp WS v2 (cex-protocols.md §3.4). We subscribe `order_book_{pair}`: every message is a
 * top-100 snapshot, so the book heals itself and needs no REST alignment (Bitstamp has no sequence
 * numbers; `diff_order_book` would need a REST snapshot aligned by microtimestamp, for depth we do
 * not use). The heartbeat is client-sent; `bts:request_reconnect` is honoured at once.
 */
export class BitstampFeedAdapter implements FeedAdapter {
  readonly venue = 'bitstamp' as const;
  readonly tickMs = 15_000;
  private sink: GuardedSink | undefined;

  url(base: string): string {
    return base;
  }

  reset(): void {
    this.sink?.reset();
  }

  onOpen(ctx: FeedContext, symbols: readonly string[]): void {
    for (const pair of symbols) ctx.send(JSON.stringify({ event: 'bts:subscribe', data: { channel: bitstampChannel('order_book', pair) } }));
  }

  onTick(ctx: FeedContext): void {
    ctx.send('{"event":"bts:heartbeat"}');
  }

  onFrame(text: string, recvUs: number, ctx: FeedContext): void {
    const sink = (this.sink ??= new GuardedSink(ctx.books));
    let frame;
    try {
      frame = parseBitstampWs(JSON.parse(text));
    } catch (e) {
      ctx.resync(`unreadable frame: ${errorMessage(e)}`);
      return;
    }
    switch (frame.kind) {
      case 'book': {
        sink.startMessage();
        const micros = bitstampBookToSink(frame.pair, frame.data, frame.snapshot, sink);
        if (sink.updateBeforeSnapshot) return ctx.resync(`diff before snapshot for ${frame.pair}`);
        if (sink.touched.length > 0) ctx.applied(frame.pair, Math.floor(micros / 1000), recvUs);
        return;
      }
      case 'reconnect':
        ctx.resync('bts:request_reconnect');
        return;
      case 'error':
        ctx.resync(frame.error.message);
        return;
      default:
        ctx.alive();
    }
  }
}
