import WebSocket from 'ws';
import type { Clock } from '../../../shared/clock.ts';
import { errorMessage } from '../../../shared/errors.ts';

/**
 * One venue WebSocket that reconnects by itself: exponential backoff with equal jitter (from the
 * injected random seam), reset after a connection has stayed up for a while. The owner gets
 * open / frame / close callbacks; frame handlers are synchronous and must not throw for venue
 * noise (they decide what a bad frame means: resync or crash).
 */
export interface WsSessionOptions {
  url: string;
  clock: Clock;
  random: () => number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Venue snapshots can be several MB (Coinbase level2). */
  maxPayloadBytes?: number;
  headers?: () => Record<string, string>;
  onOpen(send: (text: string) => void): void;
  onFrame(text: string, recvUs: number): void;
  onClose(reason: string): void;
}

export class WsSession {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private openedAtMs = 0;
  private closed = false;
  connects = 0;
  lastError: string | undefined;

  constructor(private readonly o: WsSessionOptions) {}

  start(): void {
    this.closed = false;
    this.connect();
  }

  /** Drop the current socket and connect again at once (resync after a gap). */
  reconnectNow(reason: string): void {
    this.lastError = reason;
    this.attempt = 0;
    const ws = this.ws;
    this.ws = undefined;
    ws?.removeAllListeners();
    ws?.on('error', () => undefined); // a late error on a socket we abandoned is expected
    ws?.terminate();
    this.o.onClose(reason);
    if (!this.closed) this.connect();
  }

  send(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.removeAllListeners();
    ws?.on('error', () => undefined);
    ws?.terminate();
  }

  private connect(): void {
    this.connects++;
    const ws = new WebSocket(this.o.url, { perMessageDeflate: false, maxPayload: this.o.maxPayloadBytes ?? 64 * 1024 * 1024, headers: this.o.headers?.() ?? {} });
    this.ws = ws;
    ws.on('open', () => {
      this.openedAtMs = this.o.clock.nowMs();
      this.o.onOpen((t) => ws.send(t));
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const recvUs = this.o.clock.monoUs();
      if (this.ws !== ws) return;
      this.o.onFrame(isBinary ? data.toString('utf8') : data.toString(), recvUs);
    });
    ws.on('error', (e) => {
      this.lastError = errorMessage(e);
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      const why = `closed ${code}${reason.length ? ` ${reason.toString()}` : ''}${this.lastError ? ` (${this.lastError})` : ''}`;
      this.o.onClose(why);
      if (!this.closed) this.schedule();
    });
  }

  private schedule(): void {
    // A connection that lived for a minute was healthy: start the backoff over.
    if (this.o.clock.nowMs() - this.openedAtMs > 60_000) this.attempt = 0;
    this.attempt++;
    const base = Math.min(this.o.maxBackoffMs, this.o.initialBackoffMs * 2 ** (this.attempt - 1));
    const delay = base / 2 + this.o.random() * (base / 2);
    this.timer = setTimeout(() => {
      if (!this.closed) this.connect();
    }, delay);
  }
}
