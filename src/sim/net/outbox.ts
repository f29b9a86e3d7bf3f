import type { WebSocket } from 'ws';
import type { VenueFaults } from '../faults.ts';
import type { Scheduler, Timer } from '../market/scheduler.ts';
import { isOpen } from './server.ts';

/**
 * Outgoing messages of one socket. Text is frozen when a message is queued (its sequence number
 * belongs to that moment), and a delay fault holds messages in FIFO order, like a slow network
 * path, rather than reordering them.
 */
export class Outbox {
  private queue: { due_ms: number; text: string }[] = [];
  private timer: Timer | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly scheduler: Scheduler,
    private readonly faults: VenueFaults,
  ) {}

  send(msg: unknown): void {
    this.sendText(JSON.stringify(msg));
  }

  /** A message already serialised (one JSON value), for senders that build hot messages from cached parts. */
  sendText(text: string): void {
    const delay = this.faults.wsDelayMs();
    if (delay <= 0 && this.queue.length === 0) {
      this.write(text);
      return;
    }
    this.queue.push({ due_ms: this.scheduler.clock.nowMs() + delay, text });
    this.arm();
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.queue = [];
  }

  private arm(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].due_ms - this.scheduler.clock.nowMs());
    this.timer = this.scheduler.after(wait, () => {
      this.timer = undefined;
      const now = this.scheduler.clock.nowMs();
      while (this.queue.length > 0 && this.queue[0].due_ms <= now) this.write(this.queue.shift()!.text);
      this.arm();
    });
  }

  private write(text: string): void {
    if (!isOpen(this.ws)) return;
    corkUntilNextTick(this.ws);
    this.ws.send(text);
    this.faults.sent.frames++;
    this.faults.sent.chars += text.length;
  }
}

/**
 * One model tick publishes an update per book in one synchronous burst. Corking the TCP socket
 * until the burst is over sends those frames in one writev instead of one syscall each: a syscall
 * per frame was the simulator's throughput limit. Frames and their order are unchanged.
 */
function corkUntilNextTick(ws: WebSocket): void {
  const sock = (ws as unknown as { _socket?: { cork(): void; uncork(): void; writableCorked: number } })._socket;
  if (sock === undefined || sock.writableCorked > 0) return;
  sock.cork();
  process.nextTick(() => sock.uncork());
}
