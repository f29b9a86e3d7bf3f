import { Pool } from 'undici';
import type { Clock } from '../../../shared/clock.ts';
import { CambistError, errorMessage, type RetryClass } from '../../../shared/errors.ts';
import { WsSession } from '../common/ws-session.ts';
import { redactUrl } from './config.ts';

/**
 * Solana JSON-RPC 2.0 (reference/solana-dex.md §3): HTTP for snapshots (getMultipleAccounts) and
 * fees, PubSub over a reconnecting WebSocket for accountSubscribe/slotSubscribe. The URLs may carry
 * the Helius `api-key`: they are handed to the transport and never appear in a message or a log.
 */
export const SolanaRpcCode = {
  /** The node answered with a JSON-RPC error object. */
  Rpc: 'SOLANA_RPC_ERROR',
  /** Connection refused/reset or a deadline passed: the call may succeed later. */
  Transport: 'SOLANA_RPC_TRANSPORT',
  /** HTTP 429 from the provider. */
  RateLimited: 'SOLANA_RPC_RATE_LIMITED',
  /** An answer we cannot read (not JSON-RPC, wrong shape). */
  BadResponse: 'SOLANA_RPC_BAD_RESPONSE',
  /** A request we refuse to send (e.g. more than 100 keys in getMultipleAccounts). */
  BadRequest: 'SOLANA_RPC_BAD_REQUEST',
} as const;
export type SolanaRpcCode = (typeof SolanaRpcCode)[keyof typeof SolanaRpcCode];

export class SolanaRpcError extends CambistError {
  override readonly code: SolanaRpcCode;
  constructor(code: SolanaRpcCode, message: string, opts: { cause?: unknown; retry?: RetryClass; rpcCode?: number } = {}) {
    super(code, message, opts);
    this.name = 'SolanaRpcError';
    this.code = code;
    this.rpcCode = opts.rpcCode;
  }
  readonly rpcCode: number | undefined;
}

/** One account as getMultipleAccounts returns it (base64 decoded). */
export interface RpcAccount {
  owner: string;
  data: Uint8Array;
  lamports: number;
}

export const MAX_MULTIPLE_ACCOUNTS = 100;

interface RpcEnvelope {
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export class SolanaHttpRpc {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly label: string;
  private nextId = 1;

  constructor(url: string, private readonly timeoutMs = 5_000) {
    const u = new URL(url);
    this.path = `${u.pathname}${u.search}`;
    this.label = redactUrl(url);
    this.pool = new Pool(u.origin, { connections: 2, pipelining: 1, connect: { timeout: timeoutMs } });
  }

  async call(method: string, params: unknown[]): Promise<unknown> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params });
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: { 'content-type': 'application/json' },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      throw new SolanaRpcError(SolanaRpcCode.Transport, `${method} to ${this.label}: ${errorMessage(e)}`, { cause: e, retry: 'retryable' });
    }
    if (status === 429) throw new SolanaRpcError(SolanaRpcCode.RateLimited, `${method} to ${this.label}: HTTP 429`, { retry: 'retryable' });
    let env: RpcEnvelope;
    try {
      env = JSON.parse(text) as RpcEnvelope;
    } catch (e) {
      throw new SolanaRpcError(SolanaRpcCode.BadResponse, `${method} to ${this.label}: HTTP ${status}, body is not JSON`, { cause: e, retry: status >= 500 ? 'retryable' : 'non-retryable' });
    }
    if (env.error) {
      const code = typeof env.error.code === 'number' ? env.error.code : undefined;
      throw new SolanaRpcError(SolanaRpcCode.Rpc, `${method}: RPC error ${String(code)}: ${String(env.error.message)}`, { rpcCode: code, retry: 'retryable' });
    }
    if (status !== 200 || !('result' in env)) {
      throw new SolanaRpcError(SolanaRpcCode.BadResponse, `${method} to ${this.label}: HTTP ${status} without a result`, { retry: status >= 500 ? 'retryable' : 'non-retryable' });
    }
    return env.result;
  }

  /** Up to 100 accounts read at one slot (base64, `processed`); `null` for accounts that do not exist. */
  async getMultipleAccounts(keys: readonly string[], minContextSlot?: number): Promise<{ slot: number; accounts: (RpcAccount | null)[] }> {
    if (keys.length > MAX_MULTIPLE_ACCOUNTS) {
      throw new SolanaRpcError(SolanaRpcCode.BadRequest, `getMultipleAccounts takes at most ${MAX_MULTIPLE_ACCOUNTS} keys, got ${keys.length}`, { retry: 'fatal' });
    }
    const cfg: Record<string, unknown> = { encoding: 'base64', commitment: 'processed' };
    if (minContextSlot !== undefined) cfg.minContextSlot = minContextSlot;
    const r = (await this.call('getMultipleAccounts', [keys, cfg])) as { context?: { slot?: unknown }; value?: unknown } | null;
    const slot = r?.context?.slot;
    if (typeof slot !== 'number' || !Array.isArray(r?.value) || r.value.length !== keys.length) {
      throw new SolanaRpcError(SolanaRpcCode.BadResponse, `getMultipleAccounts: expected {context.slot, value[${keys.length}]}`);
    }
    const accounts = (r.value as unknown[]).map((v, i) => parseAccount(v, keys[i]!));
    return { slot, accounts };
  }

  /** Recent prioritization fees (micro-lamports per CU) of landed transactions that write-locked all `addresses` (≤ 128). */
  async getRecentPrioritizationFees(addresses: readonly string[]): Promise<{ slot: number; fee: number }[]> {
    const r = await this.call('getRecentPrioritizationFees', [addresses.slice(0, 128)]);
    if (!Array.isArray(r)) throw new SolanaRpcError(SolanaRpcCode.BadResponse, 'getRecentPrioritizationFees: expected an array');
    return r.map((e: { slot?: unknown; prioritizationFee?: unknown }) => ({ slot: Number(e.slot), fee: Number(e.prioritizationFee) }));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function parseAccount(v: unknown, key: string): RpcAccount | null {
  if (v === null) return null;
  const a = v as { owner?: unknown; data?: unknown; lamports?: unknown };
  if (typeof a.owner !== 'string' || !Array.isArray(a.data) || typeof a.data[0] !== 'string' || a.data[1] !== 'base64') {
    throw new SolanaRpcError(SolanaRpcCode.BadResponse, `account ${key}: expected {owner, data: [<base64>, "base64"]}`);
  }
  return { owner: a.owner, data: Buffer.from(a.data[0], 'base64'), lamports: Number(a.lamports) };
}

/**
 * A raw account notification, read in place from the frame text: the base64 payload is
 * `text.slice(dataStart, dataEnd)`, so the consumer decodes it straight into its own buffer.
 */
export interface AccountFrame {
  text: string;
  subscription: number;
  slot: number;
  dataStart: number;
  dataEnd: number;
}

/** Index just past `"key":` plus whitespace, or -1. */
function valueAt(text: string, key: string, from: number, last: boolean): number {
  const k = last ? text.lastIndexOf(key) : text.indexOf(key, from);
  if (k < 0) return -1;
  let i = k + key.length;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 9)) i++;
  if (text.charCodeAt(i) !== 58 /* : */) return -1;
  i++;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 9)) i++;
  return i;
}

function intAt(text: string, i: number): number {
  if (i < 0) return -1;
  let n = 0;
  let digits = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    digits++;
  }
  return digits === 0 ? -1 : n;
}

/**
 * Reads an accountNotification without JSON.parse: slot, subscription and where the base64 sits.
 * A frame that does not match the expected shape returns false and is parsed the slow way.
 * The keys each occur once in a notification ("slot" in context, "subscription" at the end,
 * "data" in value), whatever order or spacing the node uses.
 */
export function scanAccountNotification(text: string, out: AccountFrame): boolean {
  const slot = intAt(text, valueAt(text, '"slot"', 0, false));
  const sub = intAt(text, valueAt(text, '"subscription"', 0, true));
  const d = valueAt(text, '"data"', 0, false);
  if (slot < 0 || sub < 0 || d < 0 || text.charCodeAt(d) !== 91 /* [ */) return false;
  let i = d + 1;
  while (text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 34 /* " */) return false;
  const end = text.indexOf('"', i + 1);
  if (end < 0 || text.indexOf('base64', end) < 0) return false;
  out.text = text;
  out.subscription = sub;
  out.slot = slot;
  out.dataStart = i + 1;
  out.dataEnd = end;
  return true;
}

export interface PubSubHandlers {
  onOpen(): void;
  /** Every account subscription of this connection is confirmed: a snapshot now misses nothing. */
  onAllSubscribed(): void;
  onAccount(key: string, f: AccountFrame, recvUs: number): void;
  onSlot(slot: number, recvUs: number): void;
  onClose(reason: string): void;
  /** Every frame with its receive time (recording). */
  onRaw?(text: string, recvUs: number): void;
  /** A subscribe request the node refused. */
  onError(message: string): void;
}

export interface PubSubOptions {
  url: string;
  clock: Clock;
  random: () => number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * PubSub on one reconnecting socket. The set of wanted account keys survives reconnects: on every
 * open all of them (and the slot stream) are subscribed again, because subscriptions die with the
 * socket. Subscription ids are per connection.
 */
export class SolanaPubSub {
  private readonly session: WsSession;
  private readonly wanted = new Set<string>();
  private readonly pending = new Map<number, string>();
  private readonly subByKey = new Map<string, number>();
  private readonly keyBySub = new Map<number, string>();
  private readonly frame: AccountFrame = { text: '', subscription: 0, slot: 0, dataStart: 0, dataEnd: 0 };
  private awaitingAll = false;
  private nextId = 1;
  unknownSubs = 0;
  slowFrames = 0;

  constructor(o: PubSubOptions, private readonly h: PubSubHandlers) {
    this.session = new WsSession({
      url: o.url,
      clock: o.clock,
      random: o.random,
      initialBackoffMs: o.initialBackoffMs,
      maxBackoffMs: o.maxBackoffMs,
      onOpen: () => {
        this.clearIds();
        this.request('slotSubscribe', []);
        for (const k of this.wanted) this.sendSubscribe(k);
        this.awaitingAll = true;
        h.onOpen();
        this.checkAllSubscribed();
      },
      onFrame: (text, recvUs) => this.onFrame(text, recvUs),
      onClose: (why) => {
        this.clearIds();
        h.onClose(why);
      },
    });
  }

  get connects(): number {
    return this.session.connects;
  }

  get isOpen(): boolean {
    return this.session.isOpen;
  }

  start(): void {
    this.session.start();
  }

  stop(): void {
    this.session.stop();
  }

  /** Drop the socket and reconnect now (used by tests and after an unrecoverable subscribe error). */
  reconnectNow(reason: string): void {
    this.session.reconnectNow(reason);
  }

  subscribe(key: string): void {
    if (this.wanted.has(key)) return;
    this.wanted.add(key);
    if (this.session.isOpen) this.sendSubscribe(key);
  }

  unsubscribe(key: string): void {
    if (!this.wanted.delete(key)) return;
    const sub = this.subByKey.get(key);
    if (sub === undefined) return; // the reply is still on its way: onFrame drops it once it lands
    this.subByKey.delete(key);
    this.keyBySub.delete(sub);
    this.request('accountUnsubscribe', [sub]);
  }

  subscribedCount(): number {
    return this.subByKey.size;
  }

  private clearIds(): void {
    this.pending.clear();
    this.subByKey.clear();
    this.keyBySub.clear();
    this.awaitingAll = false;
  }

  private checkAllSubscribed(): void {
    if (!this.awaitingAll || this.pending.size > 0) return;
    this.awaitingAll = false;
    this.h.onAllSubscribed();
  }

  private request(method: string, params: unknown[]): number {
    const id = this.nextId++;
    this.session.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return id;
  }

  private sendSubscribe(key: string): void {
    const id = this.request('accountSubscribe', [key, { encoding: 'base64', commitment: 'processed' }]);
    this.pending.set(id, key);
  }

  private onFrame(text: string, recvUs: number): void {
    this.h.onRaw?.(text, recvUs);
    if (text.includes('"accountNotification"')) {
      if (scanAccountNotification(text, this.frame)) {
        const key = this.keyBySub.get(this.frame.subscription);
        if (key === undefined) this.unknownSubs++;
        else this.h.onAccount(key, this.frame, recvUs);
        return;
      }
      this.slowFrames++;
    } else if (text.includes('"slotNotification"')) {
      const slot = intAt(text, valueAt(text, '"slot"', text.indexOf('"result"'), false));
      if (slot >= 0) {
        this.h.onSlot(slot, recvUs);
        return;
      }
      this.slowFrames++;
    }
    this.onSlowFrame(text, recvUs);
  }

  private onSlowFrame(text: string, recvUs: number): void {
    let m: { id?: unknown; result?: unknown; error?: { message?: unknown }; method?: unknown; params?: { result?: unknown; subscription?: unknown } };
    try {
      m = JSON.parse(text) as typeof m;
    } catch (e) {
      this.h.onError(`unparseable frame (${errorMessage(e)})`);
      return;
    }
    if (typeof m.id === 'number') {
      const key = this.pending.get(m.id);
      if (key !== undefined) this.pending.delete(m.id);
      if (m.error) {
        this.h.onError(`${key ? `accountSubscribe ${key}` : `request ${m.id}`}: ${String(m.error.message)}`);
        if (key !== undefined) {
          // A refused subscription would leave that account blind: ask again shortly (a provider's
          // subscription rate limit is the usual cause; the bootstrap already proved the key valid).
          setTimeout(() => {
            if (this.wanted.has(key) && this.session.isOpen && !this.subByKey.has(key)) this.sendSubscribe(key);
          }, 1_000);
        }
        return;
      }
      if (key !== undefined && typeof m.result === 'number') {
        if (!this.wanted.has(key)) {
          // Unsubscribed while the subscribe was in flight: cancel it now.
          this.request('accountUnsubscribe', [m.result]);
          this.checkAllSubscribed();
          return;
        }
        this.subByKey.set(key, m.result);
        this.keyBySub.set(m.result, key);
        this.checkAllSubscribed();
      }
      return;
    }
    // A notification shaped differently from what the scanner expects (spacing, key order) ends here.
    if (m.method === 'accountNotification' && m.params) {
      const r = m.params.result as { context?: { slot?: unknown }; value?: { data?: unknown } } | undefined;
      const data = r?.value?.data;
      const key = this.keyBySub.get(Number(m.params.subscription));
      if (key === undefined || !Array.isArray(data) || typeof data[0] !== 'string' || typeof r?.context?.slot !== 'number') {
        this.unknownSubs++;
        return;
      }
      // Re-express it as a frame over the bare base64 text, so the consumer has one code path.
      const b64 = data[0];
      this.frame.text = b64;
      this.frame.subscription = Number(m.params.subscription);
      this.frame.slot = r.context.slot;
      this.frame.dataStart = 0;
      this.frame.dataEnd = b64.length;
      this.h.onAccount(key, this.frame, recvUs);
    } else if (m.method === 'slotNotification') {
      const s = (m.params?.result as { slot?: unknown } | undefined)?.slot;
      if (typeof s === 'number') this.h.onSlot(s, recvUs);
    }
  }
}
