// Session scripts: create (with its target indexes), connect/disconnect (compare-and-set), end (drops the inbox).
import { PRELUDE } from './common.js';

/**
 * ARGV: prefix, id, app, hasUser (1|0), user, scope, meta, resumeHash, ttlMs, createdAt.
 * A session that never connects expires like a disconnected one, counted from its creation.
 */
export const CREATE_SESSION = `${PRELUDE}
local id, app, hasUser, user, scope = ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5], ARGV[6]
local k = P .. 's:' .. id
if redis.call('HEXISTS', P .. 'apps', app) == 0 then return redis.error_reply('HERALD no app ' .. app) end
if redis.call('EXISTS', k) == 1 then return redis.error_reply('HERALD session ' .. id .. ' already exists') end
redis.call('HSET', k, 'app', app, 'scope', scope, 'meta', ARGV[7], 'rh', ARGV[8], 'ttl', ARGV[9],
  'created', ARGV[10], 'acked', 0, 'sent', 0, 'pending', 0)
if hasUser then
  redis.call('HSET', k, 'user', user)
  redis.call('SADD', P .. 'au:' .. app .. ':' .. user, id)
end
redis.call('SADD', P .. 'ac:' .. app .. ':' .. scope, id)
redis.call('ZADD', P .. 'as:' .. app, ARGV[10], id)
redis.call('ZADD', P .. 'idle', tonumber(ARGV[10]) + tonumber(ARGV[9]), id)
return 1
`;

/**
 * ARGV: prefix, id, node|'' (disconnect), transport|'', at, expectedNode|''.
 * Connecting records the node's current lease epoch, so a retired lease releases only its own sessions.
 * Disconnecting with an expected node changes nothing unless that node still serves the session.
 * Returns 1 when something changed, 0 otherwise.
 */
export const SET_CONNECTION = `${PRELUDE}
local id, node, tr, at, expected = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local k = P .. 's:' .. id
local f = redis.call('HMGET', k, 'app', 'node', 'ttl')
if not f[1] then return 0 end
local current = f[2]
if node ~= '' then
  local epoch = redis.call('HGET', P .. 'epoch', node) or '0'
  redis.call('HSET', k, 'node', node, 'ne', epoch)
  redis.call('HDEL', k, 'disc')
  redis.call('ZREM', P .. 'idle', id)
  if current and current ~= node then redis.call('SREM', P .. 'ns:' .. current, id) end
  redis.call('SADD', P .. 'ns:' .. node, id)
else
  if expected ~= '' and current ~= expected then return 0 end
  redis.call('HDEL', k, 'node', 'ne')
  redis.call('HSET', k, 'disc', at)
  redis.call('ZADD', P .. 'idle', tonumber(at) + tonumber(f[3]), id)
  if current then redis.call('SREM', P .. 'ns:' .. current, id) end
end
if tr ~= '' then redis.call('HSET', k, 'tr', tr) else redis.call('HDEL', k, 'tr') end
return 1
`;

/**
 * ARGV: prefix, id. Returns nil, or {dropped, field, value, ...} with the session as it was.
 * Unacknowledged entries are dropped and counted on their notifications (delivered too if they were sent).
 */
export const END_SESSION = `${PRELUDE}
local id = ARGV[2]
local k = P .. 's:' .. id
local h = redis.call('HGETALL', k)
if #h == 0 then return false end
local f = {}
for i = 1, #h, 2 do f[h[i]] = h[i + 1] end
local sent = tonumber(f.sent)
local inbox = P .. 'in:' .. id
local entries = redis.call('ZRANGE', inbox, 0, -1)
for _, seq in ipairs(entries) do
  local n = P .. 'n:' .. seq
  redis.call('HINCRBY', n, 'drop', 1)
  if tonumber(seq) <= sent then redis.call('HINCRBY', n, 'dlv', 1) end
  redis.call('SREM', P .. 'nr:' .. seq, id)
  released(seq)
end
redis.call('DEL', inbox, k)
redis.call('ZREM', P .. 'as:' .. f.app, id)
if f.user then redis.call('SREM', P .. 'au:' .. f.app .. ':' .. f.user, id) end
redis.call('SREM', P .. 'ac:' .. f.app .. ':' .. f.scope, id)
redis.call('ZREM', P .. 'idle', id)
if f.node then redis.call('SREM', P .. 'ns:' .. f.node, id) end
local out = {#entries}
for i = 1, #h do out[i + 1] = h[i] end
return out
`;

/** ARGV: prefix, id, key, appJson. Inserts or replaces an app; its key must not belong to another app. */
export const PUT_APP = `${PRELUDE}
local id, key = ARGV[2], ARGV[3]
local owner = redis.call('HGET', P .. 'appkeys', key)
if owner and owner ~= id then return redis.error_reply('HERALD app key ' .. key .. ' belongs to another app') end
local old = redis.call('HGET', P .. 'apps', id)
if old then
  local oldKey = cjson.decode(old).key
  if oldKey ~= key then redis.call('HDEL', P .. 'appkeys', oldKey) end
end
redis.call('HSET', P .. 'apps', id, ARGV[4])
redis.call('HSET', P .. 'appkeys', key, id)
return 1
`;
