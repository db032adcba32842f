// The sweep script: expired inbox entries, idempotency keys past their window, notifications past their status retention.
import { PRELUDE } from './common.js';

/**
 * ARGV: prefix, now, statusRetentionMs, limit. Does at most `limit` items of each kind, so one call never
 * blocks Redis for long; the caller repeats while `work` equals the limit.
 * Returns {entries removed, work}.
 */
export const SWEEP = `${PRELUDE}
local now, retention, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local removed, work = 0, 0

local due = redis.call('ZRANGEBYSCORE', P .. 'exp', '-inf', now, 'LIMIT', 0, limit)
for _, seq in ipairs(due) do
  local holders = redis.call('SMEMBERS', P .. 'nr:' .. seq)
  local delivered = 0
  for _, sid in ipairs(holders) do
    local k = P .. 's:' .. sid
    redis.call('ZREM', P .. 'in:' .. sid, seq)
    redis.call('HINCRBY', k, 'pending', -1)
    local sent = redis.call('HGET', k, 'sent')
    if sent and tonumber(sent) >= tonumber(seq) then delivered = delivered + 1 end
  end
  local n = P .. 'n:' .. seq
  redis.call('HINCRBY', n, 'expd', #holders)
  redis.call('HINCRBY', n, 'dlv', delivered)
  redis.call('DEL', P .. 'nr:' .. seq)
  released(seq)
  removed = removed + #holders
end
work = math.max(work, #due)

local keys = redis.call('ZRANGEBYSCORE', P .. 'ikexp', '-inf', now, 'LIMIT', 0, limit)
for _, member in ipairs(keys) do
  redis.call('DEL', P .. 'ik:' .. member)
  redis.call('ZREM', P .. 'ikexp', member)
end
work = math.max(work, #keys)

-- Notifications whose idempotency window has ended go back to the retention queue.
local waited = redis.call('ZRANGEBYSCORE', P .. 'donek', '-inf', now, 'LIMIT', 0, limit)
for _, seq in ipairs(waited) do
  redis.call('ZREM', P .. 'donek', seq)
  local f = redis.call('HMGET', P .. 'n:' .. seq, 'exp', 'created')
  if f[2] then redis.call('ZADD', P .. 'done', f[1] or f[2], seq) end
end
work = math.max(work, #waited)

local old = redis.call('ZRANGEBYSCORE', P .. 'done', '-inf', now - retention, 'LIMIT', 0, limit)
for _, seq in ipairs(old) do
  local n = P .. 'n:' .. seq
  local f = redis.call('HMGET', n, 'until', 'app', 'id')
  redis.call('ZREM', P .. 'done', seq)
  if f[1] and tonumber(f[1]) > now then
    redis.call('ZADD', P .. 'donek', f[1], seq)
  else
    redis.call('DEL', n)
    if f[2] then
      local nid = P .. 'nid:' .. f[2] .. ':' .. f[3]
      if redis.call('GET', nid) == seq then redis.call('DEL', nid) end
    end
  end
end
work = math.max(work, #old)

return {removed, work}
`;
