import { isTokenAccount, decodeTokenAccountState, rentExempt } from './accounts.ts';
import type { SolanaChain, TxRecord } from './chain.ts';
import { fromBase58, isPubkey, toBase58 } from './keys.ts';
import { type ParsedTx, parseTx, signaturesValid, usesLookupTables } from './tx.ts';
import { API_VERSION, type AccountConfig, encodeAccount, RpcFailure, readConfig, rpcFail, simulationFailure } from './wire.ts';

type Params = unknown[];

/**
 * The HTTP JSON-RPC methods (reference §3) over the simulated chain. Every read answers from the
 * latest (processed) state whatever commitment is asked for: the simulator has no forks, so only the
 * signature statuses and `getTransaction` model the processed → confirmed → finalized progression.
 */
export class SolanaRpc {
  constructor(private readonly chain: SolanaChain) {}

  private ctx(cfg: AccountConfig = {}): { slot: number; apiVersion: string } {
    if (cfg.minContextSlot !== undefined && cfg.minContextSlot > this.chain.slot) {
      rpcFail(-32016, 'Minimum context slot has not been reached', { contextSlot: this.chain.slot });
    }
    return { slot: this.chain.slot, apiVersion: API_VERSION };
  }

  private decimals = (mint: string): number => {
    const m = this.chain.accounts.get(mint);
    return m !== undefined && m.data.length >= 45 ? m.data[44]! : 0;
  };

  call(method: string, params: Params): unknown {
    switch (method) {
      case 'getHealth':
        return 'ok';
      case 'getVersion':
        return { 'solana-core': `${API_VERSION}-cambist-sim`, 'feature-set': 3294202862 };
      case 'getGenesisHash':
        return '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d';
      case 'getSlot':
        this.ctx(readConfig(params[0]));
        return this.chain.slot;
      case 'getBlockHeight':
        this.ctx(readConfig(params[0]));
        return this.chain.blockHeight();
      case 'getEpochInfo': {
        const s = this.chain.slot;
        return { absoluteSlot: s, blockHeight: this.chain.blockHeight(), epoch: Math.floor(s / 432_000), slotIndex: s % 432_000, slotsInEpoch: 432_000, transactionCount: null };
      }
      case 'getLatestBlockhash':
        return { context: this.ctx(readConfig(params[0])), value: this.chain.latestBlockhash() };
      case 'isBlockhashValid':
        return { context: this.ctx(readConfig(params[1])), value: this.chain.blockhashValid(String(params[0])) };
      case 'getMinimumBalanceForRentExemption':
        return Number(rentExempt(Number(params[0] ?? 0)));
      case 'getBalance': {
        const key = pubkeyParam(params[0]);
        return { context: this.ctx(readConfig(params[1])), value: Number(this.chain.accounts.get(key)?.lamports ?? 0n) };
      }
      case 'getAccountInfo': {
        const key = pubkeyParam(params[0]);
        const cfg = readConfig(params[1]);
        return { context: this.ctx(cfg), value: encodeAccount(this.chain.accounts.get(key), cfg, this.decimals) };
      }
      case 'getMultipleAccounts': {
        if (!Array.isArray(params[0])) rpcFail(-32602, 'Invalid params: expected an array of pubkeys');
        const keys = (params[0] as unknown[]).map(pubkeyParam);
        if (keys.length > 100) rpcFail(-32602, 'Too many inputs provided; max 100');
        const cfg = readConfig(params[1]);
        return { context: this.ctx(cfg), value: keys.map((k) => encodeAccount(this.chain.accounts.get(k), cfg, this.decimals)) };
      }
      case 'getTokenAccountsByOwner':
        return this.tokenAccountsByOwner(params);
      case 'getTokenAccountBalance': {
        const a = this.chain.accounts.get(pubkeyParam(params[0]));
        if (!isTokenAccount(a)) rpcFail(-32602, 'Invalid param: not a Token account');
        const t = decodeTokenAccountState(a.data);
        const d = this.decimals(t.mint);
        const ui = Number(t.amount) / 10 ** d;
        return { context: this.ctx(readConfig(params[1])), value: { amount: t.amount.toString(), decimals: d, uiAmount: ui, uiAmountString: String(ui) } };
      }
      case 'getRecentPrioritizationFees': {
        const addrs = params[0] === undefined ? [] : Array.isArray(params[0]) ? (params[0] as unknown[]).map(pubkeyParam) : rpcFail(-32602, 'Invalid params: expected an array of addresses');
        if (addrs.length > 128) rpcFail(-32602, 'Too many inputs provided; max 128');
        return this.chain.prioritizationFees(addrs);
      }
      case 'sendTransaction':
        return this.sendTransaction(params);
      case 'simulateTransaction': {
        const p = this.decodeTx(params);
        const r = this.chain.simulate(p);
        return { context: this.ctx(), value: { err: r.err, logs: r.logs, accounts: null, unitsConsumed: r.computeUnits, returnData: null, innerInstructions: null, replacementBlockhash: null } };
      }
      case 'getSignatureStatuses': {
        if (!Array.isArray(params[0])) rpcFail(-32602, 'Invalid params: expected an array of signatures');
        const sigs = params[0] as unknown[];
        if (sigs.length > 256) rpcFail(-32602, 'Too many inputs provided; max 256');
        return {
          context: this.ctx(),
          value: sigs.map((s) => {
            const st = this.chain.status(String(s));
            return st === null ? null : { ...st, status: st.err === null ? { Ok: null } : { Err: st.err } };
          }),
        };
      }
      case 'getTransaction':
        return this.getTransaction(params);
      default:
        return rpcFail(-32601, 'Method not found');
    }
  }

  private tokenAccountsByOwner(params: Params): unknown {
    const owner = pubkeyParam(params[0]);
    const filter = params[1] as { mint?: string; programId?: string } | undefined;
    if (filter === undefined || (filter.mint === undefined && filter.programId === undefined)) {
      rpcFail(-32602, 'Invalid params: expected {"mint": ...} or {"programId": ...}');
    }
    const cfg = readConfig(params[2]);
    const value: { pubkey: string; account: unknown }[] = [];
    for (const [k, a] of this.chain.accounts.entries()) {
      if (!isTokenAccount(a)) continue;
      if (filter.programId !== undefined && a.owner !== filter.programId) continue;
      const t = decodeTokenAccountState(a.data);
      if (t.owner !== owner || (filter.mint !== undefined && t.mint !== filter.mint)) continue;
      value.push({ pubkey: k, account: encodeAccount(a, cfg, this.decimals) });
    }
    return { context: this.ctx(cfg), value };
  }

  private decodeTx(params: Params): ParsedTx {
    if (typeof params[0] !== 'string') rpcFail(-32602, 'Invalid params: expected an encoded transaction string');
    const cfg = readConfig(params[1]) as { encoding?: string };
    const text = params[0] as string;
    let bytes: Uint8Array | undefined;
    if ((cfg.encoding ?? 'base58') === 'base64') {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) rpcFail(-32602, 'invalid base64 encoding: InvalidByte');
      bytes = Buffer.from(text, 'base64');
    } else if (cfg.encoding === undefined || cfg.encoding === 'base58') {
      bytes = fromBase58(text);
      if (bytes === undefined) rpcFail(-32602, 'invalid base58 encoding: InvalidCharacter');
    } else {
      rpcFail(-32602, `unsupported encoding: ${cfg.encoding}. Supported encodings: base58, base64`);
    }
    const p = parseTx(bytes);
    if (p === undefined) rpcFail(-32602, 'failed to deserialize solana_sdk::transaction::versioned::VersionedTransaction: io error: failed to fill whole buffer');
    if (usesLookupTables(p)) rpcFail(-32602, "invalid transaction: Transaction loads an address table account that doesn't exist");
    return p;
  }

  /**
   * Accept → signature, or the node's errors: -32602 malformed, -32003 bad signature, -32002 preflight
   * failures (BlockhashNotFound, AlreadyProcessed, payer cannot pay, or the simulated instruction's error).
   * With skipPreflight a doomed transaction is still accepted; it then simply never lands.
   */
  private sendTransaction(params: Params): string {
    const p = this.decodeTx(params);
    const cfg = readConfig(params[1]) as { skipPreflight?: boolean };
    try {
      if (!signaturesValid(p)) rpcFail(-32003, 'Transaction signature verification failure');
      if (cfg.skipPreflight !== true) {
        if (this.chain.transaction(p.signature) !== undefined) simulationFailure('AlreadyProcessed', [], 0);
        if (!this.chain.blockhashValid(p.recentBlockhash)) simulationFailure('BlockhashNotFound', [], 0);
        const payer = this.chain.payerProblem(p);
        if (payer !== undefined) simulationFailure(payer, [], 0);
        const r = this.chain.simulate(p);
        if (r.err !== null) simulationFailure(r.err, r.logs, r.computeUnits);
      }
    } catch (e) {
      // Recorded for GET /sim/orders (every transaction received), then answered as the node answers.
      if (e instanceof RpcFailure) this.chain.reject(p, e.error);
      throw e;
    }
    this.chain.enqueue(p);
    return p.signature;
  }

  private getTransaction(params: Params): unknown {
    const sig = String(params[0]);
    const cfg = (typeof params[1] === 'string' ? { encoding: params[1] } : readConfig(params[1])) as AccountConfig & { maxSupportedTransactionVersion?: number };
    const commitment = cfg.commitment ?? 'finalized';
    if (commitment === 'processed') rpcFail(-32602, 'Method does not support commitment below `confirmed`');
    const st = this.chain.status(sig);
    const rec = this.chain.transaction(sig);
    if (st === null || rec === undefined) return null;
    if (commitment === 'finalized' && st.confirmationStatus !== 'finalized') return null;
    if (st.confirmationStatus === 'processed') return null;
    if (rec.parsed.version !== 'legacy' && cfg.maxSupportedTransactionVersion === undefined) {
      rpcFail(-32015, `Transaction version (${rec.parsed.version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0`);
    }
    return txResponse(rec, cfg.encoding ?? 'json', cfg.maxSupportedTransactionVersion !== undefined);
  }
}

function pubkeyParam(v: unknown): string {
  if (!isPubkey(v)) rpcFail(-32602, 'Invalid param: Invalid');
  return v;
}

function txResponse(rec: TxRecord, encoding: string, withVersion: boolean): unknown {
  const r = rec.result;
  const p = rec.parsed;
  const m = p.tx.message;
  const meta = {
    err: r.err,
    status: r.err === null ? { Ok: null } : { Err: r.err },
    fee: Number(r.fee),
    preBalances: r.preBalances,
    postBalances: r.postBalances,
    innerInstructions: [],
    logMessages: r.logs,
    preTokenBalances: r.preTokenBalances,
    postTokenBalances: r.postTokenBalances,
    rewards: [],
    loadedAddresses: { writable: [], readonly: [] },
    computeUnitsConsumed: r.computeUnits,
  };
  let transaction: unknown;
  if (encoding === 'base64') {
    transaction = [Buffer.from(p.bytes).toString('base64'), 'base64'];
  } else if (encoding === 'json') {
    transaction = {
      signatures: p.tx.signatures.map((s) => toBase58(s)),
      message: {
        accountKeys: p.keys,
        header: m.header,
        instructions: m.compiledInstructions.map((ci) => ({ programIdIndex: ci.programIdIndex, accounts: ci.accountKeyIndexes, data: toBase58(ci.data), stackHeight: null })),
        recentBlockhash: p.recentBlockhash,
        ...(p.version === 'legacy' ? {} : { addressTableLookups: [] }),
      },
    };
  } else {
    return rpcFail(-32602, `Invalid params: unsupported encoding ${encoding}`);
  }
  return { slot: rec.slot, blockTime: rec.blockTime, meta, transaction, ...(withVersion ? { version: p.version } : {}) };
}
