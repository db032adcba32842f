// Connection tokens: the JWT (HS256, signed with the app secret) a client presents to open a session.
import { SignJWT } from 'jose';
import type { ConnectionTokenClaims, JsonObject } from '@herald/protocol';

/** Default lifetime of a connection token, seconds. */
export const DEFAULT_TOKEN_TTL = 3600;

/** What a connection token says about the session it opens. */
export interface TokenOptions {
  /** User id; leave out for an anonymous session. */
  user?: string;
  /** The kind of client (`browser`, `designer`, ...); the server defaults it to `browser`. */
  scope?: string;
  /** Free-form metadata the server stores on the session. */
  meta?: JsonObject;
  /** Lifetime in seconds, a positive integer (default 3600). Only opening a session needs a valid token. */
  ttl?: number;
}

/** The app a token is minted for. */
export interface TokenSigner {
  appId: string;
  secret: string;
}

/**
 * Signs a connection token for `signer.appId`. `now` (ms since the epoch) exists so tests can mint
 * tokens in the past; callers leave it out. Throws RangeError for a ttl that is not a positive integer.
 */
export async function createConnectionToken(signer: TokenSigner, options: TokenOptions = {}, now: number = Date.now()): Promise<string> {
  const ttl = options.ttl ?? DEFAULT_TOKEN_TTL;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new RangeError(`ttl must be a positive integer number of seconds, got ${ttl}`);
  const iat = Math.floor(now / 1000);
  const claims: ConnectionTokenClaims = { app: signer.appId, iat, exp: iat + ttl };
  if (options.user !== undefined) claims.sub = options.user;
  if (options.scope !== undefined) claims.scope = options.scope;
  if (options.meta !== undefined) claims.meta = options.meta;
  // Claims are set in the constructor rather than with setSubject/setExpirationTime so the payload is
  // exactly ConnectionTokenClaims, the type the server checks against.
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(signer.secret));
}
