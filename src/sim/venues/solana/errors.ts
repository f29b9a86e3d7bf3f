import { CambistError } from '../../../shared/errors.ts';

/** A `TransactionError` as the RPC serialises it: `"BlockhashNotFound"`, `{"InstructionError":[2,{"Custom":6036}]}`… */
export type TxErrJson = string | { InstructionError: [number, string | { Custom: number }] } | Record<string, unknown>;

/** What one instruction fails with (`{Custom: n}` for a program error, or a runtime variant name). */
export type InstrErrDetail = string | { Custom: number };

/** Thrown by an instruction handler; the transaction executor adds the instruction index. */
export class InstructionFailure extends CambistError {
  constructor(
    readonly detail: InstrErrDetail,
    /** Program log line(s) the real program would print before failing. */
    readonly logs: string[],
    message: string,
  ) {
    super('SIM_SOLANA_INSTRUCTION_FAILED', message);
    this.name = 'InstructionFailure';
  }
}

/** Orca Whirlpool program error codes used by the swap (whirlpools-client `WHIRLPOOL_ERROR__*`). */
export const WhirlpoolErr = {
  SqrtPriceOutOfBounds: 6011,
  InvalidTickArraySequence: 6023,
  InvalidSqrtPriceLimitDirection: 6034,
  ZeroTradableAmount: 6035,
  AmountOutBelowMinimum: 6036,
  AmountInAboveMaximum: 6037,
  PartialFillError: 6057,
  /** Anchor `ConstraintAddress` / `ConstraintRaw` family: an account is not the one the pool names. */
  ConstraintRaw: 2003,
} as const;

/** Raydium AMM v4 `AmmError` codes (raydium-amm program/src/error.rs). */
export const RaydiumErr = {
  InvalidCoinVault: 4,
  InvalidPcVault: 5,
  InvalidStatus: 22,
  WrongAccountsNumber: 24,
  InvalidInput: 29,
  ExceededSlippage: 30,
  InsufficientFunds: 40,
  InvalidUserToken: 42,
} as const;

/** SPL Token program errors. */
export const TokenErr = {
  InsufficientFunds: 1,
  MintMismatch: 3,
  OwnerMismatch: 4,
  NonNativeNotSupported: 19,
} as const;

export function fail(detail: InstrErrDetail, message: string, logs: string[] = []): never {
  throw new InstructionFailure(detail, logs, message);
}

export function custom(code: number, program: string, message: string): never {
  throw new InstructionFailure({ Custom: code }, [`Program log: Error: ${message}`, `Program ${program} failed: custom program error: 0x${code.toString(16)}`], message);
}
