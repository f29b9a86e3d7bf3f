import { api, token } from './api.ts';
import { histogramFromProm, readSummaries, worst } from './metrics.ts';
import { feedsFromProm } from './feeds.ts';
import { addOpportunities, recordLiveAge, setHistograms, setLatency, setScrapedFeeds, setStatus, setStreamState, streamState, upsertTrades } from './state.ts';
import type { Opportunity, StatusDoc, TradeRecord } from './types.ts';

/**
 * The live source: `/v1/stream` over WebSocket, `{ topic, ts_ms, data }` per message. Reconnects
 * with capped exponential backoff plus jitter (many tabs must not reconnect in lockstep after an
 * engine restart). While the socket is down, /v1/status is polled so the controls and the stale
 * banner keep telling the truth. Bucket histograms are not on the stream: /metrics is scraped for them
 * (and for feed health while the status document does not carry it).
 */
const TOPICS = 'status,opportunities,trades,metrics';
const POLL_MS = 1_000;
// Also the feed-health fallback (feeds.ts), so it bounds how late the stale banner can be.
const SCRAPE_MS = 1_000;

interface StreamMessage {
  topic: string;
  ts_ms: number;
  data: unknown;
}

/** Age at paint: the next animation frame is when the operator can first see the new value. */
function measure(tsMs: number): void {
  if (!Number.isFinite(tsMs)) return;
  requestAnimationFrame(() => recordLiveAge(Date.now() - tsMs));
}

function apply(m: StreamMessage): void {
  switch (m.topic) {
    case 'status':
      setStatus(m.data as StatusDoc);
      break;
    case 'opportunities':
      if (Array.isArray(m.data)) addOpportunities(m.data as Opportunity[]);
      break;
    case 'trades':
      if (Array.isArray(m.data)) upsertTrades(m.data as TradeRecord[]);
      break;
    case 'metrics': {
      const d = (m.data ?? {}) as Record<string, unknown>;
      setLatency({ tick_to_signal_us: readSummaries(d.tick_to_signal_us), detect_to_fill_ms: readSummaries(d.detect_to_fill_ms), ts_ms: m.ts_ms }, worst);
      break;
    }
    default:
      return;
  }
  measure(m.ts_ms);
}

export function startStream(): () => void {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    const t = token();
    if (stopped || !t) return;
    setStreamState('connecting');
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${proto}//${location.host}/v1/stream?token=${encodeURIComponent(t)}&topics=${TOPICS}`);
    ws.onopen = () => {
      attempt = 0;
      setStreamState('open');
    };
    ws.onmessage = (ev) => {
      try {
        apply(JSON.parse(String(ev.data)) as StreamMessage);
      } catch {
        // one bad frame must not take the console down; the next status will correct the screen
      }
    };
    ws.onclose = () => {
      ws = null;
      setStreamState('closed');
      if (stopped) return;
      const base = Math.min(10_000, 250 * 2 ** attempt++);
      retry = setTimeout(connect, base / 2 + Math.random() * (base / 2));
    };
  };

  const poll = setInterval(() => {
    if (token() && streamState() !== 'open') api.status().then(setStatus, () => undefined);
  }, POLL_MS);
  const scrape = () =>
    api.scrape().then(
      (text) => {
        setHistograms({ tick_to_signal_us: histogramFromProm(text, 'cambist_tick_to_signal_seconds', 1e6), detect_to_fill_ms: histogramFromProm(text, 'cambist_detect_to_fill_seconds', 1e3), ts_ms: Date.now() });
        setScrapedFeeds(feedsFromProm(text));
      },
      () => undefined,
    );
  const scraper = setInterval(scrape, SCRAPE_MS);
  void scrape();

  connect();
  return () => {
    stopped = true;
    clearInterval(poll);
    clearInterval(scraper);
    clearTimeout(retry);
    ws?.close();
  };
}
