/**
 * Every error cambist raises on purpose is a `CambistError`: a stable machine `code` (tests and
 * operators match on it, never on message text), a human message that names the bad input and what
 * to do, an optional `cause`, and a retry class that tells callers what may follow:
 * - `retryable`: the same call may succeed later (a timeout, a busy store);
 * - `non-retryable`: the input is wrong; retrying the same thing fails the same way;
 * - `fatal`: an invariant is broken; the actor must exit (crash-only, DESIGN §13.5).
 */
export type RetryClass = 'retryable' | 'non-retryable' | 'fatal';

export class CambistError extends Error {
  readonly code: string;
  readonly retry: RetryClass;
  constructor(code: string, message: string, opts: { cause?: unknown; retry?: RetryClass } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CambistError';
    this.code = code;
    this.retry = opts.retry ?? 'non-retryable';
  }
}

/** Narrow an unknown thrown value to a message without losing non-Error throws. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
