import type { IncomingMessage } from 'node:http';
import type { GeminiNonceMode, SimKeyring } from '../../credentials.ts';
import { header, hmacHex, sameHex } from '../../net/hmac.ts';

export type GeminiAuth = { ok: true; api_key: string; payload: Record<string, unknown> } | { ok: false; status: number; reason: string; message: string };

/**
 * Gemini private-API auth: `X-GEMINI-SIGNATURE` = hex HMAC-SHA384 over the base64 payload text
 * itself, `request` in the payload must equal the URL path, and the nonce follows the key's rule
 * (strictly increasing per key, or seconds within ±30 s for time-based keys).
 */
export class GeminiAuthenticator {
  private readonly lastNonce = new Map<string, bigint>();

  constructor(private readonly keys: SimKeyring['gemini']) {}

  verify(req: IncomingMessage, path: string, nowMs: number): GeminiAuth {
    const key = header(req.headers['x-gemini-apikey']);
    const b64 = header(req.headers['x-gemini-payload']);
    const sig = header(req.headers['x-gemini-signature']);
    if (key === undefined) return fail(400, 'MissingApikeyHeader', 'X-GEMINI-APIKEY header is required');
    if (b64 === undefined) return fail(400, 'MissingPayloadHeader', 'X-GEMINI-PAYLOAD header is required');
    if (sig === undefined) return fail(400, 'MissingSignatureHeader', 'X-GEMINI-SIGNATURE header is required');
    const k = this.keys.get(key);
    if (k === undefined) return fail(400, 'InvalidSignature', `API key ${key} not found`);
    if (!sameHex(hmacHex('sha384', k.secret, b64), sig)) return fail(400, 'InvalidSignature', 'InvalidSignature');
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      return fail(400, 'InvalidJson', `payload is not base64 JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (payload.request !== path) return fail(400, 'EndpointMismatch', `payload request ${String(payload.request)} does not match ${path}`);
    const bad = this.checkNonce(key, k.nonce, payload.nonce, nowMs);
    if (bad !== undefined) return fail(400, 'InvalidNonce', bad);
    return { ok: true, api_key: key, payload };
  }

  private checkNonce(key: string, mode: GeminiNonceMode, raw: unknown, nowMs: number): string | undefined {
    const text = typeof raw === 'number' ? raw.toString() : typeof raw === 'string' ? raw : '';
    if (!/^\d+$/.test(text)) return `nonce ${JSON.stringify(raw)} must be an integer`;
    const n = BigInt(text);
    if (mode === 'time') {
      const now = BigInt(Math.floor(nowMs / 1000));
      const diff = n > now ? n - now : now - n;
      return diff > 30n ? `Nonce ${text} is not within 30 seconds of server time ${now}` : undefined;
    }
    const last = this.lastNonce.get(key);
    if (last !== undefined && n <= last) return `Out-of-sequence nonce <${text}> precedes previously used nonce <${last}>`;
    this.lastNonce.set(key, n);
    return undefined;
  }
}

function fail(status: number, reason: string, message: string): GeminiAuth {
  return { ok: false, status, reason, message };
}
