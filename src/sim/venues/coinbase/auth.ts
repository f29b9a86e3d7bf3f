import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { SimKeyring } from '../../credentials.ts';

export const COINBASE_HOST = 'api.coinbase.com';

/**
 * Verify a CDP API-key JWT for real: signature (ES256 or EdDSA) against the registered public key
 * named by `kid`, `sub` = key name, `iss` = "cdp" (or ccxt's older "coinbase-cloud"), `nbf`/`exp`
 * present, valid now and at most 120 s apart, and for REST a `uri` of "METHOD host/path" without the
 * query. The host may be the real one or the simulator's own, since a connector pointed at the
 * simulator may sign either.
 */
export async function verifyCdpJwt(
  keys: SimKeyring['coinbase'],
  jwt: string,
  nowMs: number,
  rest?: { method: string; path: string; host: string | undefined },
): Promise<{ ok: true; key_name: string } | { ok: false; message: string }> {
  let kid: string | undefined;
  let alg: string | undefined;
  try {
    const h = decodeProtectedHeader(jwt);
    kid = h.kid;
    alg = h.alg;
  } catch (e) {
    return { ok: false, message: `malformed JWT: ${e instanceof Error ? e.message : String(e)}` };
  }
  const key = kid === undefined ? undefined : keys.get(kid);
  if (key === undefined) return { ok: false, message: `unknown API key ${String(kid)}` };
  if (alg !== key.alg) return { ok: false, message: `key ${kid} signs with ${key.alg}, JWT says ${String(alg)}` };
  try {
    const { payload } = await jwtVerify(jwt, key.key, {
      algorithms: [key.alg],
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'iss', 'nbf', 'exp'],
    });
    if (payload.sub !== kid) return { ok: false, message: 'sub must equal the key name (kid)' };
    if (payload.iss !== 'cdp' && payload.iss !== 'coinbase-cloud') return { ok: false, message: `bad iss ${String(payload.iss)}` };
    if ((payload.exp ?? 0) - (payload.nbf ?? 0) > 120) return { ok: false, message: 'JWT lifetime over 120 s' };
    if (rest !== undefined) {
      const allowed = [COINBASE_HOST, rest.host].filter((h) => h !== undefined).map((h) => `${rest.method} ${h}${rest.path}`);
      if (typeof payload.uri !== 'string' || !allowed.includes(payload.uri)) {
        return { ok: false, message: `uri claim ${JSON.stringify(payload.uri)} does not match ${allowed[0]}` };
      }
    }
    return { ok: true, key_name: kid as string };
  } catch (e) {
    if (e instanceof joseErrors.JOSEError) return { ok: false, message: `${e.code}: ${e.message}` };
    throw e;
  }
}
