import type { WebSocket } from 'ws';
import type { VenueFaults } from '../../faults.ts';
import type { Scheduler, Timer } from '../../market/scheduler.ts';
import { isOpen } from '../../net/server.ts';
import { StaleGate } from '../../net/stale-gate.ts';
import type { Account } from './accounts.ts';
import type { SolanaChain, TxRecord } from './chain.ts';
import { isPubkey } from './keys.ts';
import { type AccountConfig, DELETED, RpcFailure, encodeAccount, readConfig, rpcFail, rpcJson } from './wire.ts';

type Commitment = 'processed' | 'confirmed' | 'finalized';
/** Slots after which a change is reported at each commitment (no forks: every processed slot confirms). */
const LAG: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 32 };

interface Sub {
  id: number;
  kind: 'account' | 'signature' | 'slot';
  key: string;
  commitment: Commitment;
  cfg: AccountConfig;
  received?: boolean;
}

interface Queued {
  due_slot: number;
  msg: unknown;
}

function commitmentOf(v: unknown): Commitment {
  return v === 'processed' || v === 'confirmed' ? v : 'finalized';
}

let nextSubId = 1;

/**
 * Like net/outbox.ts (FIFO, a `delay` fault holds messages in order) but for pre-serialised text:
 * account notifications carry rentEpoch = u64::MAX as a bare integer, which JSON.stringify cannot write.
 */
class TextOutbox {
  private queue: { due_ms: number; text: string }[] = [];
  private timer: Timer | undefined;
  constructor(
    private readonly ws: WebSocket,
    private readonly scheduler: Scheduler,
    private readonly faults: VenueFaults,
  ) {}

  send(text: string): void {
    const delay = this.faults.wsDelayMs();
    if (delay <= 0 && this.queue.length === 0) {
      if (isOpen(this.ws)) this.ws.send(text);
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
    this.timer = this.scheduler.after(Math.max(0, this.queue[0]!.due_ms - this.scheduler.clock.nowMs()), () => {
      this.timer = undefined;
      const now = this.scheduler.clock.nowMs();
      while (this.queue.length > 0 && this.queue[0]!.due_ms <= now) {
        const text = this.queue.shift()!.text;
        if (isOpen(this.ws)) this.ws.send(text);
      }
      this.arm();
    });
  }
}

/**
 * One PubSub connection: account, signature and slot subscriptions (reference §3). Account
 * notifications carry the data as of the slot it changed in; at `confirmed`/`finalized` they are sent
 * 1/32 slots later, still with that slot's data. Faults: `delay` (outbox), `gap` (lost
 * notifications), `stale` (held, then released in order), `drop` (server terminates the socket).
 */
export class PubSubConnection {
  private readonly subs = new Map<number, Sub>();
  private readonly queue: Queued[] = [];
  private readonly outbox: TextOutbox;
  private readonly gate: StaleGate<string>;
  private readonly off: () => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly chain: SolanaChain,
    scheduler: Scheduler,
    private readonly faults: VenueFaults,
  ) {
    this.outbox = new TextOutbox(ws, scheduler, faults);
    this.gate = new StaleGate<string>(faults, (text) => this.outbox.send(text));
    this.off = chain.on({ slot: (slot, changed, landed) => this.onSlot(slot, changed, landed) });
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('close', () => this.close());
  }

  close(): void {
    this.off();
    this.outbox.close();
    this.gate.close();
    this.subs.clear();
  }

  private reply(id: unknown, body: { result: unknown } | { error: unknown }): void {
    this.outbox.send(rpcJson({ jsonrpc: '2.0', ...body, id }));
  }

  private notify(msg: unknown): void {
    if (this.faults.takeGap()) return;
    this.gate.push(rpcJson(msg));
  }

  private onMessage(text: string): void {
    let m: { id?: unknown; method?: unknown; params?: unknown };
    try {
      m = JSON.parse(text) as typeof m;
    } catch (e) {
      this.reply(null, { error: { code: -32700, message: `Parse error: ${e instanceof Error ? e.message : String(e)}` } });
      return;
    }
    // JSON-RPC notifications (no id), e.g. web3.js's periodic "ping", get no answer.
    if (m.id === undefined) return;
    try {
      this.reply(m.id, { result: this.handle(String(m.method), Array.isArray(m.params) ? (m.params as unknown[]) : []) });
    } catch (e) {
      if (!(e instanceof RpcFailure)) throw e;
      this.reply(m.id, { error: e.error });
    }
  }

  private add(kind: Sub['kind'], key: string, cfg: AccountConfig, extra: Partial<Sub> = {}): number {
    const id = nextSubId++;
    this.subs.set(id, { id, kind, key, cfg, commitment: commitmentOf(cfg.commitment), ...extra });
    return id;
  }

  private remove(kind: Sub['kind'], params: unknown[]): boolean {
    const s = this.subs.get(Number(params[0]));
    if (s === undefined || s.kind !== kind) rpcFail(-32602, 'Invalid subscription id.');
    this.subs.delete(s.id);
    return true;
  }

  private handle(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'accountSubscribe': {
        if (!isPubkey(params[0])) rpcFail(-32602, 'Invalid Request: Invalid pubkey provided');
        const cfg = readConfig(params[1]);
        encodeAccount(undefined, cfg); // reject an unsupported encoding now, not at the first notification
        if (cfg.encoding === 'base58' || cfg.encoding === undefined) {
          const a = this.chain.accounts.get(params[0]);
          if (a !== undefined && a.data.length > 128) rpcFail(-32602, 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
        }
        return this.add('account', params[0], cfg);
      }
      case 'accountUnsubscribe':
        return this.remove('account', params);
      case 'signatureSubscribe': {
        const cfg = readConfig(params[1]) as AccountConfig & { enableReceivedNotification?: boolean };
        const id = this.add('signature', String(params[0]), cfg);
        if (cfg.enableReceivedNotification === true) {
          this.notify({ jsonrpc: '2.0', method: 'signatureNotification', params: { result: { context: { slot: this.chain.slot }, value: 'receivedSignature' }, subscription: id } });
        }
        // Already landed deep enough: answer right after the subscription id, as the node does.
        queueMicrotask(() => this.checkSignature(this.subs.get(id)));
        return id;
      }
      case 'signatureUnsubscribe':
        return this.remove('signature', params);
      case 'slotSubscribe':
        return this.add('slot', '', {});
      case 'slotUnsubscribe':
        return this.remove('slot', params);
      default:
        return rpcFail(-32601, 'Method not found');
    }
  }

  private checkSignature(s: Sub | undefined): void {
    if (s === undefined) return;
    const st = this.chain.status(s.key);
    if (st === null) return;
    const depth = this.chain.slot - st.slot;
    if (depth < LAG[s.commitment]) return;
    this.subs.delete(s.id); // the node cancels a signature subscription after its one notification
    this.notify({ jsonrpc: '2.0', method: 'signatureNotification', params: { result: { context: { slot: st.slot + LAG[s.commitment] }, value: { err: st.err } }, subscription: s.id } });
  }

  private onSlot(slot: number, changed: [string, Account | undefined][], _landed: TxRecord[]): void {
    for (const s of this.subs.values()) {
      if (s.kind === 'slot') this.notify({ jsonrpc: '2.0', method: 'slotNotification', params: { result: { parent: slot - 1, root: slot - 32, slot }, subscription: s.id } });
    }
    if (changed.length > 0) {
      const byKey = new Map(changed);
      for (const s of this.subs.values()) {
        if (s.kind !== 'account' || !byKey.has(s.key)) continue;
        const value = encodeAccount(byKey.get(s.key) ?? DELETED, s.cfg);
        const msg = { jsonrpc: '2.0', method: 'accountNotification', params: { result: { context: { slot }, value }, subscription: s.id } };
        if (LAG[s.commitment] === 0) this.notify(msg);
        else this.queue.push({ due_slot: slot + LAG[s.commitment], msg });
      }
    }
    for (let i = 0; i < this.queue.length; ) {
      if (this.queue[i]!.due_slot <= slot) this.notify(this.queue.splice(i, 1)[0]!.msg);
      else i++;
    }
    for (const s of [...this.subs.values()]) if (s.kind === 'signature') this.checkSignature(s);
  }
}
