// Job scripts of RedisJobStore: create, progress, finish (compare-and-set), remove, listings, purge, and the per-job lock.
import { PRELUDE } from './common.js';

/**
 * Lua shared by the job scripts: `job(id)` reads a job hash as {id, field, value, ...}, the shape
 * every listing returns per job (see ../job-replies.ts).
 */
const JOB_PRELUDE = `${PRELUDE}
local function job(id)
  local out = {id}
  for _, v in ipairs(redis.call('HGETALL', P .. 'j:' .. id)) do out[#out + 1] = v end
  return out
end
`;

/**
 * ARGV: prefix, id, app, session, kind, metaJson, createdAt, expiresAt.
 * Indexes the running job by session (`jr:`) and by deadline (`jdue`).
 */
export const JOB_CREATE = `${JOB_PRELUDE}
local id, session, created, expires = ARGV[2], ARGV[4], ARGV[7], ARGV[8]
local k = P .. 'j:' .. id
if redis.call('EXISTS', k) == 1 then return redis.error_reply('HERALD job ' .. id .. ' already exists') end
redis.call('HSET', k, 'app', ARGV[3], 'sess', session, 'kind', ARGV[5], 'meta', ARGV[6], 'state', 'running',
  'created', created, 'upd', created, 'exp', expires, 'ph', 0)
redis.call('ZADD', P .. 'jr:' .. session, created, id)
redis.call('ZADD', P .. 'jdue', expires, id)
return 1
`;

/**
 * ARGV: prefix, id, progressJson, notice|'' (held back), at.
 * Changes only a running job. Returns nil for an unknown job, else {id, field, value, ...} afterwards.
 */
export const JOB_PROGRESS = `${JOB_PRELUDE}
local id, notice = ARGV[2], ARGV[4]
local k = P .. 'j:' .. id
local state = redis.call('HGET', k, 'state')
if not state then return false end
if state == 'running' then
  redis.call('HSET', k, 'prog', ARGV[3], 'upd', ARGV[5])
  -- A held-back report keeps the notice of the last one written to the inbox.
  if notice ~= '' then redis.call('HSET', k, 'pn', notice, 'ph', 0) else redis.call('HSET', k, 'ph', 1) end
end
return job(id)
`;

/**
 * ARGV: prefix, id, state, outcomeJson, at, keepUntil.
 * The compare-and-set from running: returns {'finished', job...}, {'already', job...} or {'not_found'}.
 * A finished job leaves the running indexes and waits in `jdone` for its purge.
 */
export const JOB_FINISH = `${JOB_PRELUDE}
local id, at, keep = ARGV[2], ARGV[5], ARGV[6]
local k = P .. 'j:' .. id
local f = redis.call('HMGET', k, 'state', 'sess')
if not f[1] then return {'not_found'} end
local kind = 'already'
if f[1] == 'running' then
  redis.call('HSET', k, 'state', ARGV[3], 'out', ARGV[4], 'upd', at, 'fin', at, 'exp', keep)
  redis.call('ZREM', P .. 'jr:' .. f[2], id)
  redis.call('ZREM', P .. 'jdue', id)
  redis.call('ZADD', P .. 'jdone', keep, id)
  kind = 'finished'
end
local out = job(id)
table.insert(out, 1, kind)
return out
`;

/** ARGV: prefix, id. Removes the job and its index entries, whatever its state. */
export const JOB_REMOVE = `${JOB_PRELUDE}
local id = ARGV[2]
local k = P .. 'j:' .. id
local session = redis.call('HGET', k, 'sess')
if not session then return 0 end
redis.call('DEL', k)
redis.call('ZREM', P .. 'jr:' .. session, id)
redis.call('ZREM', P .. 'jdue', id)
redis.call('ZREM', P .. 'jdone', id)
return 1
`;

/** ARGV: prefix, session, limit. Running jobs of the session, by createdAt then id: {{id, field, value, ...}, ...}. */
export const JOB_RUNNING = `${JOB_PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'jr:' .. ARGV[2], 0, tonumber(ARGV[3]) - 1)) do out[#out + 1] = job(id) end
return out
`;

/** ARGV: prefix, now, limit. Running jobs whose deadline is <= now, earliest first (then by id). */
export const JOB_DUE = `${JOB_PRELUDE}
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'jdue', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  out[#out + 1] = job(id)
end
return out
`;

/** ARGV: prefix, now, limit. Purges up to limit finished jobs kept until <= now; returns how many. */
export const JOB_SWEEP = `${JOB_PRELUDE}
local ids = redis.call('ZRANGEBYSCORE', P .. 'jdone', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('DEL', P .. 'j:' .. id)
  redis.call('ZREM', P .. 'jdone', id)
end
return #ids
`;

/** ARGV: prefix, id, token, ttlMs. Takes the lock, or extends it for its holder: 1; 0 while another token holds it. */
export const JOB_LOCK = `${PRELUDE}
local k = P .. 'jl:' .. ARGV[2]
local holder = redis.call('GET', k)
if holder and holder ~= ARGV[3] then return 0 end
redis.call('SET', k, ARGV[3], 'PX', tonumber(ARGV[4]))
return 1
`;

/** ARGV: prefix, id, token. Deletes the lock only if token holds it. */
export const JOB_UNLOCK = `${PRELUDE}
local k = P .. 'jl:' .. ARGV[2]
if redis.call('GET', k) == ARGV[3] then return redis.call('DEL', k) end
return 0
`;
