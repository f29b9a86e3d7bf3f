import { WebSocket } from 'ws';

/** A plain `ws` client that records every JSON message, for asserting on what the simulator sent. */
export interface TestClient {
  ws: WebSocket;
  messages: unknown[];
  send(msg: unknown): void;
  /** Resolves with the first message (already received or future) matching `pred`, after index `from`. */
  next<T = Record<string, unknown>>(pred: (m: Record<string, unknown>) => boolean, timeout_ms?: number, from?: number): Promise<T>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
  const ws = new WebSocket(url, { headers });
  const messages: unknown[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    next<T>(pred: (m: Record<string, unknown>) => boolean, timeout_ms = 3_000, from = 0): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let i = from;
        const check = (): void => {
          for (; i < messages.length; i++) {
            const m = messages[i] as Record<string, unknown>;
            if (pred(m)) {
              waiters.delete(check);
              clearTimeout(t);
              resolve(m as T);
              return;
            }
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching message within ${timeout_ms} ms; got ${messages.length}: ${JSON.stringify(messages.slice(-3)).slice(0, 600)}`));
        }, timeout_ms);
        waiters.add(check);
        check();
      });
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
