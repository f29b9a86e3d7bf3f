// A small Solana JSON-RPC (HTTP + PubSub) and Jupiter /quote on loopback for the feed tests and the
// bench: accounts are built with @orca-so/whirlpools-client's encoders (Whirlpool, fixed TickArray) and
// the SPL layouts by hand; the test moves them slot by slot and decides which notifications go out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { address } from '@solana/kit';
import { getFixedTickArrayEncoder, getWhirlpoolEncoder } from '@orca-so/whirlpools-client';
import { PublicKey } from '@solana/web3.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { tickArrayAddress } from '../../../../src/actors/venues/solana/accounts.ts';
import { RAYDIUM_AMM_V4_PROGRAM_ID, SPL_TOKEN_PROGRAM_ID, WHIRLPOOL_PROGRAM_ID } from '../../../../src/actors/venues/solana/dex/programs.ts';
import { TICKS_PER_ARRAY, tickArrayStartIndexes } from '../../../../src/actors/venues/solana/dex/whirlpool/tick-math.ts';
import { emptyTick } from './whirlpool-gen.ts';

export const WSOL = 'So11111111111111111111111111111111111111112';
export const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const WHIRLPOOL = 'Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE';
export const VAULT_A = 'EUuUbDcafPrmVTD5M6qoJAoyyNbihBhugADAxRMn5he9';
export const VAULT_B = '2WLWEuKDgkDUccTpbwYp1GToYktiSB1cXvreHUwiSUVP';
export const AMM = '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2';
export const AMM_COIN_VAULT = new PublicKey(Buffer.alloc(32, 7)).toBase58();
export const AMM_PC_VAULT = new PublicKey(Buffer.alloc(32, 9)).toBase58();

export interface Account {
  owner: string;
  data: Uint8Array;
}

/** Reference §1.7 (slot 351642304): ts 4, fee 400, price ≈ 152.08 USDC/SOL. */
export const REF = { liquidity: 740600641175286n, sqrtPrice: 7193838297492601595n, tick: -18835 };

export function whirlpoolAccount(o: { sqrtPrice: bigint; tick: number; liquidity?: bigint; mintA?: string; mintB?: string; feeRate?: number }): Account {
  const zero = address('11111111111111111111111111111111');
  const data = getWhirlpoolEncoder().encode({
    whirlpoolsConfig: address('2LecshUwdy9xi7meFgHtFJQNSKk4KdTrcpvaB56dP2NQ'),
    whirlpoolBump: new Uint8Array([255]),
    tickSpacing: 4,
    feeTierIndexSeed: new Uint8Array([4, 0]),
    feeRate: o.feeRate ?? 400,
    protocolFeeRate: 1300,
    liquidity: o.liquidity ?? REF.liquidity,
    sqrtPrice: o.sqrtPrice,
    tickCurrentIndex: o.tick,
    protocolFeeOwedA: 0n,
    protocolFeeOwedB: 0n,
    tokenMintA: address(o.mintA ?? WSOL),
    tokenVaultA: address(VAULT_A),
    feeGrowthGlobalA: 0n,
    tokenMintB: address(o.mintB ?? USDC),
    tokenVaultB: address(VAULT_B),
    feeGrowthGlobalB: 0n,
    rewardLastUpdatedTimestamp: 0n,
    rewardInfos: [0, 1, 2].map(() => ({ mint: zero, vault: zero, extension: new Uint8Array(32), emissionsPerSecondX64: 0n, growthGlobalX64: 0n })),
  });
  return { owner: WHIRLPOOL_PROGRAM_ID, data: Uint8Array.from(data) };
}

export function tickArrayAccount(start: number, whirlpool = WHIRLPOOL): Account {
  const ticks = Array.from({ length: TICKS_PER_ARRAY }, () => emptyTick());
  return { owner: WHIRLPOOL_PROGRAM_ID, data: Uint8Array.from(getFixedTickArrayEncoder().encode({ startTickIndex: start, ticks, whirlpool: address(whirlpool) })) };
}

export function tokenAccount(mint: string, amount: bigint): Account {
  const d = new Uint8Array(165);
  d.set(new PublicKey(mint).toBytes(), 0);
  new DataView(d.buffer).setBigUint64(64, amount, true);
  d[108] = 1;
  return { owner: SPL_TOKEN_PROGRAM_ID, data: d };
}

export function mintAccount(decimals: number): Account {
  const d = new Uint8Array(82);
  d[44] = decimals;
  d[45] = 1;
  return { owner: SPL_TOKEN_PROGRAM_ID, data: d };
}

/** Raydium AMM v4 AmmInfo (752 bytes, reference §2.1): only the fields the quote reads are set. */
export function ammV4Account(o: { needTakePnlCoin?: bigint; needTakePnlPc?: bigint } = {}): Account {
  const d = new Uint8Array(752);
  const dv = new DataView(d.buffer);
  dv.setBigUint64(0, 6n, true); // SwapOnly
  dv.setBigUint64(32, 9n, true);
  dv.setBigUint64(40, 6n, true);
  dv.setBigUint64(176, 25n, true);
  dv.setBigUint64(184, 10_000n, true);
  dv.setBigUint64(192, o.needTakePnlCoin ?? 0n, true);
  dv.setBigUint64(200, o.needTakePnlPc ?? 0n, true);
  d.set(new PublicKey(AMM_COIN_VAULT).toBytes(), 336);
  d.set(new PublicKey(AMM_PC_VAULT).toBytes(), 368);
  d.set(new PublicKey(WSOL).toBytes(), 400);
  d.set(new PublicKey(USDC).toBytes(), 432);
  return { owner: RAYDIUM_AMM_V4_PROGRAM_ID, data: d };
}

/** Every account of the SOL/USDC Whirlpool + AMM v4 pair at the reference state. */
export function defaultAccounts(): Map<string, Account> {
  const m = new Map<string, Account>();
  m.set(WHIRLPOOL, whirlpoolAccount({ sqrtPrice: REF.sqrtPrice, tick: REF.tick }));
  m.set(VAULT_A, tokenAccount(WSOL, 10_000_000_000_000n));
  m.set(VAULT_B, tokenAccount(USDC, 1_500_000_000_000n));
  m.set(WSOL, mintAccount(9));
  m.set(USDC, mintAccount(6));
  for (const s of tickArrayStartIndexes(REF.tick, 4, 9)) m.set(tickArrayAddress(WHIRLPOOL, s), tickArrayAccount(s));
  m.set(AMM, ammV4Account());
  m.set(AMM_COIN_VAULT, tokenAccount(WSOL, 40_000_000_000_000n));
  m.set(AMM_PC_VAULT, tokenAccount(USDC, 6_000_000_000_000n));
  return m;
}

interface Sub {
  ws: WebSocket;
  id: number;
  key: string;
}

function encodeAccount(a: Account | undefined): unknown {
  if (!a) return null;
  return { data: [Buffer.from(a.data).toString('base64'), 'base64'], executable: false, lamports: 2039280, owner: a.owner, rentEpoch: 18446744073709551615, space: a.data.length };
}

export class LoopbackSolana {
  readonly accounts: Map<string, Account>;
  slot = 1000;
  private server!: Server;
  private wss!: WebSocketServer;
  private readonly subs = new Map<number, Sub>();
  private nextSub = 1;
  /** While set, notifications are held (a silent socket); `release()` sends them in order. */
  holding = false;
  private held: { ws: WebSocket; text: string }[] = [];
  httpUrl = '';
  wsUrl = '';
  jupiterUrl = '';
  /** Jupiter mock: requests answered with 429 while > 0 (then decremented). */
  jupiter429 = 0;
  /** Jupiter mock: when set, requests beyond this many more are answered 429 (a rate-limit budget). */
  jupiterBudget: number | undefined;
  jupiterRequests: URL[] = [];
  /** Jupiter mock: the ammKey its route goes through (default: the requested pool of `dexes`). */
  jupiterAmmKey: ((dexes: string) => string) | undefined;
  priorityFees: { slot: number; prioritizationFee: number }[] = [{ slot: 999, prioritizationFee: 10_000 }, { slot: 998, prioritizationFee: 20_000 }];

  constructor(accounts = defaultAccounts()) {
    this.accounts = accounts;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => {
      ws.on('message', (m) => this.onWs(ws, String(m)));
      ws.on('close', () => {
        for (const [id, s] of this.subs) if (s.ws === ws) this.subs.delete(id);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const port = (this.server.address() as AddressInfo).port;
    this.httpUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.jupiterUrl = `http://127.0.0.1:${port}/jup/swap/v1`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  subscribedKeys(): Set<string> {
    return new Set([...this.subs.values()].map((s) => s.key));
  }

  /** Set accounts at the current slot and notify their subscribers (one frame per account, in order). */
  set(entries: [string, Account][]): void {
    for (const [k, a] of entries) {
      this.accounts.set(k, a);
      for (const s of this.subs.values()) {
        if (s.key !== k) continue;
        this.send(s.ws, JSON.stringify({ jsonrpc: '2.0', method: 'accountNotification', params: { result: { context: { slot: this.slot }, value: encodeAccount(a) }, subscription: s.id } }));
      }
    }
  }

  /** Next slot: a slotNotification to every connection with a slot subscription. */
  nextSlot(): void {
    this.slot++;
    for (const s of this.subs.values()) {
      if (s.key === '#slot') this.send(s.ws, JSON.stringify({ jsonrpc: '2.0', method: 'slotNotification', params: { result: { parent: this.slot - 1, root: this.slot - 32, slot: this.slot }, subscription: s.id } }));
    }
  }

  dropSockets(): void {
    for (const c of this.wss.clients) c.terminate();
  }

  release(): void {
    this.holding = false;
    for (const h of this.held.splice(0)) if (h.ws.readyState === h.ws.OPEN) h.ws.send(h.text);
  }

  private send(ws: WebSocket, text: string): void {
    if (this.holding) this.held.push({ ws, text });
    else if (ws.readyState === ws.OPEN) ws.send(text);
  }

  private onWs(ws: WebSocket, text: string): void {
    const m = JSON.parse(text) as { id: number; method: string; params: unknown[] };
    const reply = (result: unknown) => ws.send(JSON.stringify({ jsonrpc: '2.0', result, id: m.id }));
    if (m.method === 'accountSubscribe' || m.method === 'slotSubscribe') {
      const id = this.nextSub++;
      this.subs.set(id, { ws, id, key: m.method === 'slotSubscribe' ? '#slot' : String(m.params[0]) });
      reply(id);
    } else if (m.method === 'accountUnsubscribe') {
      reply(this.subs.delete(Number(m.params[0])));
    } else ws.send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: m.id }));
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname.startsWith('/jup')) return this.onJupiter(u, res);
      const m = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      let result: unknown;
      if (m.method === 'getMultipleAccounts') {
        result = { context: { slot: this.slot }, value: (m.params[0] as string[]).map((k) => encodeAccount(this.accounts.get(k))) };
      } else if (m.method === 'getRecentPrioritizationFees') result = this.priorityFees;
      else {
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: m.id }));
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', result, id: m.id }));
    });
  }

  /** Jupiter v1 /quote: one hop, out = in × rate with the pool's ammKey; 429s on demand. */
  private onJupiter(u: URL, res: ServerResponse): void {
    this.jupiterRequests.push(u);
    if (this.jupiterBudget !== undefined) this.jupiterBudget--;
    if (this.jupiter429 > 0 || (this.jupiterBudget !== undefined && this.jupiterBudget < 0)) {
      if (this.jupiter429 > 0) this.jupiter429--;
      res.writeHead(429, { 'retry-after': '1', 'x-ratelimit-remaining': '0' });
      res.end(JSON.stringify({ code: 429, message: 'Too Many Requests' }));
      return;
    }
    if (u.pathname.endsWith('/program-id-to-label')) {
      res.end(JSON.stringify({ [WHIRLPOOL_PROGRAM_ID]: 'Whirlpool', [RAYDIUM_AMM_V4_PROGRAM_ID]: 'Raydium' }));
      return;
    }
    const q = u.searchParams;
    const dexes = q.get('dexes') ?? '';
    const amm = this.jupiterAmmKey?.(dexes) ?? (dexes === 'Whirlpool' ? WHIRLPOOL : AMM);
    const amount = BigInt(q.get('amount')!);
    const sell = q.get('inputMint') === WSOL;
    const out = sell ? (amount * 150n) / 1000n : (amount * 1000n) / 151n; // 150 USDC/SOL sell, 151 buy (raw 9/6 decimals)
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-ratelimit-remaining', '100');
    res.end(
      JSON.stringify({
        inputMint: q.get('inputMint'), inAmount: amount.toString(), outputMint: q.get('outputMint'), outAmount: out.toString(),
        otherAmountThreshold: out.toString(), swapMode: 'ExactIn', slippageBps: Number(q.get('slippageBps')), platformFee: null, priceImpactPct: '0',
        routePlan: [{ swapInfo: { ammKey: amm, label: dexes, inputMint: q.get('inputMint'), outputMint: q.get('outputMint'), inAmount: amount.toString(), outAmount: out.toString(), feeAmount: '0', feeMint: q.get('inputMint') }, percent: 100 }],
        contextSlot: this.slot, timeTaken: 0.001,
      }),
    );
  }
}
