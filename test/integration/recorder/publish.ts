import { Direction, ExecResult, FeedHealth, Inventory, Opportunity, Reason, Venue, WindowEvent, WindowEventType } from '../../../src/shared/messages/index.ts';
import { Doorbell, RingProducer, type RingDescriptor } from '../../../src/shared/ring/index.ts';

/**
 * The test thread as the single producer of one ring into the recorder: writes records with the
 * message views, exactly as the signal and executor actors do, and rings the recorder's doorbell.
 */
export class Publisher {
  private readonly p: RingProducer;
  private readonly bell: Doorbell;
  private seq = 0;
  private readonly opp = new Opportunity();
  private readonly win = new WindowEvent();
  private readonly res = new ExecResult();
  private readonly inv = new Inventory();
  private readonly feed = new FeedHealth();

  constructor(ring: RingDescriptor, doorbell: SharedArrayBuffer) {
    this.p = new RingProducer(ring);
    this.bell = new Doorbell(doorbell);
  }

  private done(): void {
    this.p.publish();
    this.bell.ring();
  }

  opportunity(o: { venue?: number; route?: number; direction?: number; tsMs: number; windowId?: number; reason?: number; edgeBps?: number }): void {
    const v = this.opp.begin(this.p);
    v.seq = ++this.seq;
    v.exchTimeMs = o.tsMs;
    v.recvUs = 1;
    v.asset = 0;
    v.cexVenue = o.venue ?? Venue.coinbase;
    v.dexRoute = o.route ?? 0;
    v.direction = o.direction ?? Direction.buyCexSellDex;
    v.reason = o.reason ?? Reason.belowThreshold;
    v.windowId = o.windowId ?? 0;
    v.sizeBase = 2;
    v.cexVwap = 150.1;
    v.dexPrice = 151.2;
    v.grossEdgeBps = 73;
    v.netEdgeBps = o.edgeBps ?? 12.5;
    v.predictedPnlQuote = 0.4;
    v.tickRecvUs = 1;
    v.decidedUs = 2 + this.seq;
    this.done();
  }

  window(o: { id: number; event: number; openedMs: number; closedMs?: number; atMs: number; signals?: number; trades?: number }): void {
    const v = this.win.begin(this.p);
    v.seq = ++this.seq;
    v.exchTimeMs = o.atMs;
    v.asset = 0;
    v.cexVenue = Venue.gemini;
    v.dexRoute = 1;
    v.direction = Direction.buyDexSellCex;
    v.event = o.event;
    v.reason = o.event === WindowEventType.close ? Reason.inventory : Reason.none;
    v.signals = o.signals ?? 3;
    v.trades = o.trades ?? 1;
    v.windowId = o.id;
    v.openedMs = o.openedMs;
    v.closedMs = o.closedMs ?? 0;
    v.peakEdgeBps = 140;
    v.meanEdgeBps = 120;
    this.done();
  }

  result(o: { key: string; outcome: number; cexFilled: number; dexFilled: number; pnl: number }): void {
    const v = this.res.begin(this.p);
    v.seq = ++this.seq;
    v.tradeKey = o.key;
    v.asset = 0;
    v.cexVenue = Venue.coinbase;
    v.dexRoute = 0;
    v.direction = Direction.buyCexSellDex;
    v.outcome = o.outcome;
    v.cexFilledBase = o.cexFilled;
    v.cexAvgPrice = 150;
    v.dexFilledBase = o.dexFilled;
    v.dexAvgPrice = 151;
    v.predictedPnlQuote = 0.5;
    v.realisedPnlQuote = o.pnl;
    v.tickRecvUs = 10;
    v.decidedUs = 20;
    v.cexDoneUs = 30_000;
    v.dexDoneUs = 40_000;
    this.done();
  }

  inventory(o: { venue: number; base: number; quote: number; atMs: number }): void {
    const v = this.inv.begin(this.p);
    v.seq = ++this.seq;
    v.exchTimeMs = o.atMs;
    v.venue = o.venue;
    v.asset = 0;
    v.baseFree = o.base;
    v.quoteFree = o.quote;
    this.done();
  }

  feedHealth(o: { venue: number; state: number; stalenessMs: number }): void {
    const v = this.feed.begin(this.p);
    v.seq = ++this.seq;
    v.venue = o.venue;
    v.asset = 0;
    v.state = o.state;
    v.resyncs = 0;
    v.stalenessMs = o.stalenessMs;
    v.rttMs = 1;
    v.messages = 10;
    this.done();
  }
}
