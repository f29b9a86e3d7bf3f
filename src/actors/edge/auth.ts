import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { CambistError } from '../../shared/errors.ts';

/**
 * Operator authentication: HS256 JWTs with scopes. Scopes are ordered, each implying the ones below
 * it: `admin` ⊇ `trade` ⊇ `read`, so an admin token can also read, and a trade token can pause.
 *
 * The signing secret comes from `CAMBIST_JWT_SECRET`, or is generated once into
 * `<data>/jwt-secret` (mode 0600) so that CLI commands on the same machine can mint their own
 * tokens against a running engine. It is never logged.
 */
export const SCOPES = ['read', 'trade', 'admin'] as const;
export type ScopeName = (typeof SCOPES)[number];
const ISSUER = 'cambist';

export function loadJwtSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const fromEnv = env.CAMBIST_JWT_SECRET;
  if (fromEnv) {
    if (fromEnv.length < 32) throw new CambistError('AUTH_WEAK_SECRET', 'CAMBIST_JWT_SECRET must be at least 32 characters');
    return new TextEncoder().encode(fromEnv);
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

export function impliedScopes(scope: ScopeName): ScopeName[] {
  return SCOPES.slice(0, SCOPES.indexOf(scope) + 1);
}

export async function mintToken(secret: Uint8Array, opts: { scope: ScopeName; ttlSec: number; subject?: string; nowSec?: number }): Promise<string> {
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ scopes: impliedScopes(opts.scope) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setSubject(opts.subject ?? 'operator')
    .setIssuedAt(now)
    .setExpirationTime(now + opts.ttlSec)
    .sign(secret);
}

export interface Principal {
  subject: string;
  scopes: ScopeName[];
}

export async function verifyToken(secret: Uint8Array, token: string): Promise<Principal> {
  const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: ['HS256'] });
  const scopes = Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is ScopeName => SCOPES.includes(s as ScopeName)) : [];
  return { subject: payload.sub ?? 'unknown', scopes };
}
