import { type Account, decodeTokenAccountState, isTokenAccount } from './accounts.ts';
import type { InstrErrDetail, TxErrJson } from './errors.ts';
import { SYSTEM_PROGRAM, toBase58 } from './keys.ts';

/** JSON-RPC error object as Agave returns it. */
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export class RpcFailure extends Error {
  constructor(readonly error: RpcError) {
    super(error.message);
    this.name = 'RpcFailure';
  }
}

export function rpcFail(code: number, message: string, data?: unknown): never {
  throw new RpcFailure(data === undefined ? { code, message } : { code, message, data });
}

export const API_VERSION = '2.2.0';
/** rentEpoch of every rent-exempt account: u64::MAX, sent as a bare JSON integer as the node does. */
export const RENT_EPOCH_MAX = 18446744073709551615n;

const BIG = '\u0000big:';

/** JSON with bigint values written as bare integers (JSON.stringify cannot). */
export function rpcJson(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v.toString()}` : v));
  return text.replace(/"\\u0000big:(\d+)"/g, '$1');
}

export interface AccountConfig {
  encoding?: string;
  commitment?: string;
  dataSlice?: { offset: number; length: number };
  minContextSlot?: number;
}

export function readConfig(v: unknown): AccountConfig {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) rpcFail(-32602, 'Invalid params: expected a configuration object');
  return v as AccountConfig;
}

/** An account in the requested encoding; null when it does not exist. */
export function encodeAccount(a: Account | undefined, cfg: AccountConfig, decimalsOf: (mint: string) => number = () => 0): unknown {
  if (a === undefined) return null;
  const enc = cfg.encoding ?? 'base58';
  let data: Uint8Array = a.data;
  if (cfg.dataSlice !== undefined) data = data.subarray(cfg.dataSlice.offset, cfg.dataSlice.offset + cfg.dataSlice.length);
  const base = { executable: a.executable, lamports: Number(a.lamports), owner: a.owner, rentEpoch: RENT_EPOCH_MAX, space: a.data.length };
  switch (enc) {
    case 'base64':
      return { ...base, data: [Buffer.from(data).toString('base64'), 'base64'] };
    case 'base58':
    case 'binary':
      if (data.length > 128) rpcFail(-32600, 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.');
      return { ...base, data: enc === 'binary' ? toBase58(data) : [toBase58(data), 'base58'] };
    case 'jsonParsed':
      if (cfg.dataSlice === undefined && isTokenAccount(a)) return { ...base, data: parsedToken(a, decimalsOf) };
      return { ...base, data: [Buffer.from(data).toString('base64'), 'base64'] };
    default:
      return rpcFail(-32602, `Invalid params: unsupported encoding ${enc} (the cambist simulator serves base64, base58, jsonParsed)`);
  }
}

function parsedToken(a: Account, decimalsOf: (mint: string) => number): unknown {
  const t = decodeTokenAccountState(a.data);
  const decimals = decimalsOf(t.mint);
  const ui = Number(t.amount) / 10 ** decimals;
  return {
    program: 'spl-token',
    parsed: {
      info: { isNative: t.isNative !== undefined, mint: t.mint, owner: t.owner, state: 'initialized', tokenAmount: { amount: t.amount.toString(), decimals, uiAmount: ui, uiAmountString: String(ui) } },
      type: 'account',
    },
    space: a.data.length,
  };
}

/** A deleted account as subscriptions report it: zero lamports, system owner, no data. */
export const DELETED: Account = { lamports: 0n, owner: SYSTEM_PROGRAM, data: new Uint8Array(0), executable: false };

const IX_ERR_TEXT: Record<string, string> = {
  MissingRequiredSignature: 'missing required signature for instruction',
  InvalidAccountData: 'invalid account data for instruction',
  InvalidInstructionData: 'invalid instruction data',
  UnsupportedProgramId: 'Unsupported program id',
  NotEnoughAccountKeys: 'insufficient account keys for instruction',
  ReadonlyDataModified: 'instruction modified data of a read-only account',
  InvalidSeeds: 'Provided seeds do not result in a valid address',
};

function ixErrText(d: InstrErrDetail): string {
  if (typeof d === 'string') return IX_ERR_TEXT[d] ?? d;
  return `custom program error: 0x${d.Custom.toString(16)}`;
}

/** The message Agave puts in `Transaction simulation failed: …`. */
export function txErrText(err: TxErrJson): string {
  if (typeof err === 'string') {
    return (
      {
        BlockhashNotFound: 'Blockhash not found',
        AlreadyProcessed: 'This transaction has already been processed',
        AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
        InsufficientFundsForFee: 'Insufficient funds for fee',
      } as Record<string, string>
    )[err] ?? err;
  }
  if ('InstructionError' in err && Array.isArray(err.InstructionError)) {
    const [i, d] = err.InstructionError as [number, InstrErrDetail];
    return `Error processing Instruction ${i}: ${ixErrText(d)}`;
  }
  return JSON.stringify(err);
}

export function simulationFailure(err: TxErrJson, logs: string[], unitsConsumed: number): never {
  return rpcFail(-32002, `Transaction simulation failed: ${txErrText(err)}`, { accounts: null, err, innerInstructions: null, logs, replacementBlockhash: null, returnData: null, unitsConsumed });
}
