// The publish script: idempotency, target resolution, inbox caps, the seq, the writes and the bus announcement, atomically.
import { PRELUDE } from './common.js';

/**
 * ARGV: prefix, app, id, json, createdAt, expiresAt|'', idempotencyKey|'', requestHash, idempotencyTtlMs,
 * maxInbox, all (1|0), except|'', then three counted lists: sessions, users, scopes.
 * Returns {'published', seq, recipient...} | {'duplicate', id, recipients, sameRequest 1|0}
 *       | {'unknown', session...} | {'full', session...}.
 * Refusals return before anything is written. Redis runs one script at a time, so the seq taken here
 * is the commit order, and the PUBLISH at the end reaches every subscriber in that same order.
 */
export const PUBLISH = `${PRELUDE}
local app, id, json = ARGV[2], ARGV[3], ARGV[4]
local created, exp, ik, rh = tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8]
local idemTtl, maxInbox = tonumber(ARGV[9]), tonumber(ARGV[10])
local all, except = ARGV[11] == '1', ARGV[12]
local pos = 13
local function list()
  local count = tonumber(ARGV[pos])
  local out = {}
  for i = 1, count do out[i] = ARGV[pos + i] end
  pos = pos + count + 1
  return out
end
local sessions, users, scopes = list(), list(), list()

local nid = P .. 'nid:' .. app .. ':' .. id
if redis.call('EXISTS', nid) == 1 then
  return redis.error_reply('HERALD notification ' .. id .. ' already exists')
end

local ikey = P .. 'ik:' .. app .. ':' .. ik
if ik ~= '' then
  local prior = redis.call('GET', ikey)
  if prior then
    local f = redis.call('HMGET', P .. 'n:' .. prior, 'until', 'id', 'rcpt', 'rh')
    if f[1] and tonumber(f[1]) > created then
      return {'duplicate', f[2], tonumber(f[3]), (f[4] == rh) and 1 or 0}
    end
    -- Past its window but not swept yet: the key is free again.
    redis.call('DEL', ikey)
    redis.call('ZREM', P .. 'ikexp', app .. ':' .. ik)
  end
end

local listed, unknown = {}, {}
for _, sid in ipairs(sessions) do
  if not listed[sid] then
    listed[sid] = true
    if redis.call('HGET', P .. 's:' .. sid, 'app') ~= app then unknown[#unknown + 1] = sid end
  end
end
if #unknown > 0 then
  table.sort(unknown)
  local out = {'unknown'}
  for i, sid in ipairs(unknown) do out[i + 1] = sid end
  return out
end

local chosen = {}
if all then
  for _, sid in ipairs(redis.call('ZRANGE', P .. 'as:' .. app, 0, -1)) do chosen[sid] = true end
else
  for sid in pairs(listed) do chosen[sid] = true end
  for _, u in ipairs(users) do
    for _, sid in ipairs(redis.call('SMEMBERS', P .. 'au:' .. app .. ':' .. u)) do chosen[sid] = true end
  end
  for _, c in ipairs(scopes) do
    for _, sid in ipairs(redis.call('SMEMBERS', P .. 'ac:' .. app .. ':' .. c)) do chosen[sid] = true end
  end
end
if except ~= '' then chosen[except] = nil end
local ids = {}
for sid in pairs(chosen) do ids[#ids + 1] = sid end
table.sort(ids)

local full = {'full'}
for _, sid in ipairs(ids) do
  if tonumber(redis.call('HGET', P .. 's:' .. sid, 'pending') or '0') >= maxInbox then full[#full + 1] = sid end
end
if #full > 1 then return full end

local seq = redis.call('INCR', P .. 'seq')
local n = P .. 'n:' .. seq
redis.call('HSET', n, 'app', app, 'id', id, 'json', json, 'created', ARGV[5], 'rcpt', #ids,
  'dlv', 0, 'ack', 0, 'expd', 0, 'drop', 0)
if exp ~= '' then redis.call('HSET', n, 'exp', exp) end
redis.call('SET', nid, seq)
if ik ~= '' then
  local untilAt = created + idemTtl
  redis.call('HSET', n, 'ik', ik, 'rh', rh, 'until', untilAt)
  redis.call('SET', ikey, seq)
  redis.call('ZADD', P .. 'ikexp', untilAt, app .. ':' .. ik)
end
if #ids == 0 then
  released(seq)
  return {'published', seq}
end
local holders = P .. 'nr:' .. seq
for _, sid in ipairs(ids) do
  redis.call('ZADD', P .. 'in:' .. sid, seq, seq)
  redis.call('HINCRBY', P .. 's:' .. sid, 'pending', 1)
  redis.call('SADD', holders, sid)
end
if exp ~= '' then redis.call('ZADD', P .. 'exp', exp, seq) end
-- The cluster bus message (cluster/messages.ts, kind 'inbox'), published inside the commit.
-- createdAt goes out as received (ARGV[5]): a Lua number would print in exponent form.
redis.call('PUBLISH', P .. 'bus', '{"kind":"inbox","seq":' .. seq .. ',"recipients":' .. cjson.encode(ids) ..
  ',"json":' .. cjson.encode(json) .. ',"acceptedAt":' .. ARGV[5] .. '}')
local out = {'published', seq}
for i, sid in ipairs(ids) do out[i + 2] = sid end
return out
`;
