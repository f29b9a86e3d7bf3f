import { pino, type Logger } from 'pino';

/**
 * pino JSON logs. One root logger per thread, one child per actor (`actor` field), the trade key as
 * `correlation_id` where there is one. Secrets are removed by path before a line is written: the
 * paths below cover every place a credential could ride along (headers, config credential blocks,
 * request bodies), so a careless `log.info({ headers })` cannot leak a key.
 */
export const REDACT_PATHS = [
  'secret', '*.secret', 'apiSecret', '*.apiSecret', 'api_secret', '*.api_secret',
  'privateKey', '*.privateKey', 'private_key', '*.private_key',
  'password', '*.password', 'token', '*.token', 'jwt', '*.jwt',
  'authorization', '*.authorization', 'Authorization', '*.Authorization',
  'headers.authorization', 'headers["x-gemini-signature"]', 'headers["X-GEMINI-SIGNATURE"]',
  'headers["X-Auth-Signature"]', 'headers["CB-ACCESS-SIGN"]',
];

export type { Logger };

export function createLogger(opts: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.CAMBIST_LOG_LEVEL ?? 'info',
      base: { pid: process.pid, ...(opts.name ? { actor: opts.name } : {}) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (opts.destination ?? process.stdout) as pino.DestinationStream,
  );
}

/** A child logger carrying the trade key as the correlation id, so one trade greps end to end. */
export function withCorrelation(log: Logger, tradeKey: string): Logger {
  return log.child({ correlation_id: tradeKey });
}
