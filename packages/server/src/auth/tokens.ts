// Verifies connection tokens (JWT, HS256, signed with the app secret) and turns them into session claims.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JsonObject } from '@herald/protocol';
import { HeraldError } from '../errors.js';

/** What a valid token grants: the session's user, scope and metadata. */
export interface VerifiedToken {
  /** The `sub` claim, null for an anonymous session. */
  userId: string | null;
  scope: string;
  meta: JsonObject;
  /** Expiry, ms since the epoch (the JWT `exp` claim is in seconds). */
  exp: number;
}

/** Scope of a token without a `scope` claim. */
export const DEFAULT_SCOPE = 'browser';
/** Scopes are short identifiers, safe in logs, metrics labels and storage keys. */
export const SCOPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Longest accepted user id (`sub`), characters. */
export const USER_ID_MAX_LENGTH = 256;

/**
 * Verifies `token` for `app` at `now` (ms since the epoch). Throws HeraldError `token_expired` for
 * a genuine token past its `exp`, and `invalid_token` with the reason for anything else. The
 * signature is checked before any claim, so a forged token never reveals whether it had expired.
 */
export async function verifyConnectionToken(token: string, app: { id: string; secret: string }, now: number = Date.now()): Promise<VerifiedToken> {
  // Checked before jose so the reason names the algorithm; jose's `algorithms` below enforces it again.
  const alg = readAlgorithm(token);
  if (alg !== 'HS256') throw invalid(`algorithm ${JSON.stringify(alg)} is not accepted; tokens must be signed HS256 with the app secret`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(app.secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      currentDate: new Date(now),
    }));
  } catch (err) {
    throw fromJose(err);
  }
  return readClaims(payload, app.id);
}

/**
 * The `app` claim of a token, read without verifying anything, so the server can pick the secret to
 * verify with. Null when the token is not a JWT or has no string `app`. Never trust it on its own.
 */
export function readAppIdFromToken(token: string): string | null {
  try {
    const app = decodeJwt(token)['app'];
    return typeof app === 'string' && app !== '' ? app : null;
  } catch {
    return null;
  }
}

function readAlgorithm(token: string): unknown {
  if (typeof token !== 'string' || token === '') throw invalid('no token given');
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    throw invalid('malformed token: not a JWT');
  }
}

function readClaims(payload: JWTPayload, appId: string): VerifiedToken {
  if (payload['app'] !== appId) throw invalid('the token was issued for another app ("app" claim)');
  // exp was required and type-checked by jose.
  return { userId: readUserId(payload.sub), scope: readScope(payload['scope']), meta: readMeta(payload['meta']), exp: (payload.exp as number) * 1000 };
}

function readUserId(sub: unknown): string | null {
  if (sub === undefined) return null;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > USER_ID_MAX_LENGTH) {
    throw invalid(`"sub" must be a user id of 1-${USER_ID_MAX_LENGTH} characters`);
  }
  return sub;
}

function readScope(scope: unknown): string {
  if (scope === undefined) return DEFAULT_SCOPE;
  if (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope)) {
    throw invalid('"scope" must be 1-64 characters among letters, digits and _ . : -');
  }
  return scope;
}

function readMeta(meta: unknown): JsonObject {
  if (meta === undefined) return {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw invalid('"meta" must be a JSON object');
  // The payload came from JSON.parse, so every value inside is a JSON value.
  return meta as JsonObject;
}

function fromJose(err: unknown): HeraldError {
  if (err instanceof errors.JWTExpired) return new HeraldError('token_expired');
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid('signature does not match the app secret');
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid('algorithm not accepted; tokens must be signed HS256');
  if (err instanceof errors.JWTClaimValidationFailed) return invalid(`bad claims: ${err.message}`);
  if (err instanceof errors.JOSEError) return invalid(`malformed token: ${err.message}`);
  // Not a token problem (a bad app secret in the config, a bug): let it surface as internal_error.
  throw err;
}

function invalid(reason: string): HeraldError {
  return new HeraldError('invalid_token', `Invalid connection token: ${reason}.`);
}
