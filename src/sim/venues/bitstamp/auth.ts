import type { IncomingMessage } from 'node:http';
import type { SimKeyring } from '../../credentials.ts';
import { header, hmacHex, sameHex } from '../../net/hmac.ts';

export const BITSTAMP_HOST = 'www.bitstamp.net';
const TIMESTAMP_WINDOW_MS = 150_000;

export type BitstampAuth = { ok: true; api_key: string } | { ok: false; code: string; reason: string };

/**
 * Bitstamp HTTP API v2 auth: X-Auth "BITSTAMP <key>", X-Auth-Signature = hex HMAC-SHA256 of
 * "BITSTAMP "+key+METHOD+host+path+query+content_type+nonce+timestamp+"v2"+body, a nonce that is
 * never reused, a millisecond timestamp near server time, Content-Type only when a body is sent.
 * The host in the string may be the real one or the simulator's own.
 */
export class BitstampAuthenticator {
  private readonly used = new Set<string>();

  constructor(private readonly keys: SimKeyring['bitstamp']) {}

  verify(req: IncomingMessage, body: string, nowMs: number): BitstampAuth {
    const xauth = header(req.headers['x-auth']);
    const sig = header(req.headers['x-auth-signature']);
    const nonce = header(req.headers['x-auth-nonce']);
    const ts = header(req.headers['x-auth-timestamp']);
    const version = header(req.headers['x-auth-version']);
    if (xauth === undefined || sig === undefined || nonce === undefined || ts === undefined || version === undefined) {
      return { ok: false, code: 'API0001', reason: 'Missing authentication headers (X-Auth, X-Auth-Signature, X-Auth-Nonce, X-Auth-Timestamp, X-Auth-Version)' };
    }
    if (!xauth.startsWith('BITSTAMP ')) return { ok: false, code: 'API0011', reason: 'X-Auth must be "BITSTAMP <api_key>"' };
    const key = xauth.slice('BITSTAMP '.length);
    const secret = this.keys.get(key);
    if (secret === undefined) return { ok: false, code: 'API0002', reason: 'Invalid API key' };
    if (version !== 'v2') return { ok: false, code: 'API0012', reason: 'X-Auth-Version must be v2' };
    if (!/^\d+$/.test(ts) || Math.abs(Number(ts) - nowMs) > TIMESTAMP_WINDOW_MS) return { ok: false, code: 'API0017', reason: 'X-Auth-Timestamp header is out of the allowed window' };
    const contentType = header(req.headers['content-type']);
    if (body === '' && contentType !== undefined) return { ok: false, code: 'API0020', reason: 'Content-Type must not be sent without a body' };
    const url = new URL(req.url ?? '/', 'http://x');
    const hosts = [BITSTAMP_HOST, req.headers.host].filter((h): h is string => h !== undefined);
    const ok = hosts.some((host) => {
      const msg = `BITSTAMP ${key}${req.method ?? ''}${host}${url.pathname}${url.search}${body === '' ? '' : (contentType ?? '')}${nonce}${ts}v2${body}`;
      return sameHex(hmacHex('sha256', secret, msg), sig);
    });
    if (!ok) return { ok: false, code: 'API0005', reason: 'Invalid signature' };
    const nk = `${key}:${nonce}`;
    if (this.used.has(nk)) return { ok: false, code: 'API0004', reason: 'Invalid nonce' };
    this.used.add(nk);
    return { ok: true, api_key: key };
  }
}
