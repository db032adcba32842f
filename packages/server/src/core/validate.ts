// Validation of publish requests: every refusal names the field and carries a stable code.
import { LIMITS, PUSH_CONTENT_MAX_BYTES, RESERVED_MODULE_PREFIX, type JsonValue, type PublishRequest, type PushContent, type Target } from '@herald/protocol';
import { HeraldError } from '../errors.js';
import { isValidChannelName } from './channels/names.js';

const NAME = /^[\w.:/-]{1,128}$/;
const TARGET_KEYS = new Set(['sessions', 'users', 'scopes', 'channels', 'all', 'except']);
const REQUEST_KEYS = new Set(['to', 'module', 'type', 'data', 'key', 'ttl', 'idempotencyKey', 'push']);
const PUSH_KEYS = new Set(['title', 'body', 'icon', 'url', 'tag', 'ttl', 'urgency', 'always']);
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > LIMITS.targetListMax) {
    throw new HeraldError('invalid_target', `to.${field} must be an array of at most ${LIMITS.targetListMax} ids`);
  }
  for (const id of value) {
    if (typeof id !== 'string' || id.length === 0 || id.length > 256) {
      throw new HeraldError('invalid_target', `to.${field} must hold non-empty strings of at most 256 characters`);
    }
  }
  return [...new Set(value as string[])];
}

/** Checks a target; at least one addressing field must be present. */
export function validateTarget(raw: unknown): Target {
  if (!isObject(raw)) throw new HeraldError('invalid_target', 'to must be an object');
  for (const k of Object.keys(raw)) {
    if (!TARGET_KEYS.has(k)) throw new HeraldError('invalid_target', `to.${k} is not a target field`);
  }
  const target: Target = {};
  for (const field of ['sessions', 'users', 'scopes', 'channels'] as const) {
    const ids = idList(raw[field], field);
    if (ids) target[field] = ids;
  }
  const badChannel = target.channels?.find((c) => !isValidChannelName(c));
  if (badChannel !== undefined) throw new HeraldError('invalid_channel', `to.channels: invalid channel name ${JSON.stringify(badChannel)}`);
  if (raw['all'] !== undefined) {
    if (typeof raw['all'] !== 'boolean') throw new HeraldError('invalid_target', 'to.all must be a boolean');
    if (raw['all']) target.all = true;
  }
  if (raw['except'] !== undefined) {
    if (typeof raw['except'] !== 'string' || raw['except'] === '') throw new HeraldError('invalid_target', 'to.except must be a session id');
    target.except = raw['except'];
  }
  const addressed = target.all || target.sessions?.length || target.users?.length || target.scopes?.length || target.channels?.length;
  if (!addressed) throw new HeraldError('invalid_target', 'to must name sessions, users, scopes, channels or all');
  return target;
}

function validatePush(raw: unknown): PushContent {
  if (!isObject(raw)) throw new HeraldError('invalid_request', 'push must be an object');
  for (const k of Object.keys(raw)) {
    if (!PUSH_KEYS.has(k)) throw new HeraldError('invalid_request', `push.${k} is not a push field`);
  }
  if (typeof raw['title'] !== 'string' || raw['title'] === '') throw new HeraldError('invalid_request', 'push.title must be a non-empty string');
  for (const k of ['body', 'icon', 'url', 'tag'] as const) {
    if (raw[k] !== undefined && typeof raw[k] !== 'string') throw new HeraldError('invalid_request', `push.${k} must be a string`);
  }
  if (raw['ttl'] !== undefined && !(Number.isInteger(raw['ttl']) && (raw['ttl'] as number) >= 0)) {
    throw new HeraldError('invalid_request', 'push.ttl must be a non-negative integer (seconds)');
  }
  if (raw['urgency'] !== undefined && !URGENCIES.has(raw['urgency'] as string)) {
    throw new HeraldError('invalid_request', 'push.urgency must be very-low, low, normal or high');
  }
  if (raw['always'] !== undefined && typeof raw['always'] !== 'boolean') throw new HeraldError('invalid_request', 'push.always must be a boolean');
  // A Web Push message carries at most 4 KiB, and the notification's id, module and type ride along.
  if (Buffer.byteLength(JSON.stringify(raw)) > PUSH_CONTENT_MAX_BYTES) {
    throw new HeraldError('payload_too_large', `push is larger than ${PUSH_CONTENT_MAX_BYTES} bytes of JSON`);
  }
  return raw as unknown as PushContent;
}

export interface PublishLimits {
  maxPayloadBytes: number;
  maxTtlSeconds: number;
}

/** Checks a publish request body and returns it typed. `dataJson` is the serialized data, measured once. */
export function validatePublish(raw: unknown, limits: PublishLimits): { request: PublishRequest; dataJson: string } {
  if (!isObject(raw)) throw new HeraldError('invalid_request', 'the body must be a JSON object');
  for (const k of Object.keys(raw)) {
    if (!REQUEST_KEYS.has(k)) throw new HeraldError('invalid_request', `${k} is not a publish field`);
  }
  const to = validateTarget(raw['to']);
  for (const k of ['module', 'type'] as const) {
    if (typeof raw[k] !== 'string' || !NAME.test(raw[k] as string)) {
      throw new HeraldError('invalid_request', `${k} must be 1-128 characters of letters, digits, _ . : / -`);
    }
  }
  // Herald's own notifications (job events) must not be forged or confused with the app's.
  if ((raw['module'] as string).startsWith(RESERVED_MODULE_PREFIX)) {
    throw new HeraldError('invalid_request', `modules starting with "${RESERVED_MODULE_PREFIX}" are reserved to Herald`);
  }
  if (raw['key'] !== undefined && (typeof raw['key'] !== 'string' || !NAME.test(raw['key']))) {
    throw new HeraldError('invalid_request', 'key must be 1-128 characters of letters, digits, _ . : / -');
  }
  if (raw['ttl'] !== undefined && !(Number.isInteger(raw['ttl']) && (raw['ttl'] as number) > 0 && (raw['ttl'] as number) <= limits.maxTtlSeconds)) {
    throw new HeraldError('invalid_request', `ttl must be an integer from 1 to ${limits.maxTtlSeconds} (seconds)`);
  }
  const idem = raw['idempotencyKey'];
  if (idem !== undefined && (typeof idem !== 'string' || idem.length === 0 || idem.length > 256)) {
    throw new HeraldError('invalid_request', 'idempotencyKey must be a string of 1-256 characters');
  }
  const data = (raw['data'] ?? null) as JsonValue;
  const dataJson = JSON.stringify(data);
  if (Buffer.byteLength(dataJson) > limits.maxPayloadBytes) {
    throw new HeraldError('payload_too_large', `data is larger than ${limits.maxPayloadBytes} bytes`);
  }
  const request: PublishRequest = { to, module: raw['module'] as string, type: raw['type'] as string, data };
  if (raw['key'] !== undefined) request.key = raw['key'] as string;
  if (raw['ttl'] !== undefined) request.ttl = raw['ttl'] as number;
  if (idem !== undefined) request.idempotencyKey = idem as string;
  if (raw['push'] !== undefined) request.push = validatePush(raw['push']);
  return { request, dataJson };
}
