// Inbox scripts: read (skipping expired entries), mark sent, acknowledge, and the status query.
import { PRELUDE } from './common.js';

/** ARGV: prefix, session, afterSeq, limit, now. Returns {seq, json, seq, json, ...} in seq order. */
export const READ_INBOX = `${PRELUDE}
local id, cursor, limit, now = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local inbox = P .. 'in:' .. id
local out = {}
local found = 0
while found < limit do
  local batch = redis.call('ZRANGEBYSCORE', inbox, '(' .. cursor, '+inf', 'LIMIT', 0, limit)
  for _, seq in ipairs(batch) do
    local f = redis.call('HMGET', P .. 'n:' .. seq, 'json', 'exp')
    if f[1] and (not f[2] or tonumber(f[2]) > now) then
      out[#out + 1] = seq
      out[#out + 1] = f[1]
      found = found + 1
      if found == limit then return out end
    end
    cursor = seq
  end
  if #batch < limit then break end
end
return out
`;

/** ARGV: prefix, then pairs (session, seq). Moves sentSeq forward only; unknown sessions are skipped. */
export const MARK_SENT = `${PRELUDE}
for i = 2, #ARGV, 2 do
  local k = P .. 's:' .. ARGV[i]
  local sent = redis.call('HGET', k, 'sent')
  if sent and tonumber(ARGV[i + 1]) > tonumber(sent) then redis.call('HSET', k, 'sent', ARGV[i + 1]) end
end
return 1
`;

/**
 * ARGV: prefix, session, seq, now. Cumulative: removes entries up to the position and counts them on their
 * notifications (expired ones as expired). The position never passes the last seq handed out, so a bogus
 * ack cannot pre-acknowledge later publishes. Returns the position afterwards, -1 for an unknown session.
 */
export const ACK = `${PRELUDE}
local id, want, now = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local k = P .. 's:' .. id
local acked = redis.call('HGET', k, 'acked')
if not acked then return -1 end
acked = tonumber(acked)
local last = tonumber(redis.call('GET', P .. 'seq') or '0')
local position = want
if last < position then position = last end
if position <= acked then return acked end
local inbox = P .. 'in:' .. id
local entries = redis.call('ZRANGEBYSCORE', inbox, '-inf', position)
for _, seq in ipairs(entries) do
  local n = P .. 'n:' .. seq
  local exp = redis.call('HGET', n, 'exp')
  if exp and tonumber(exp) <= now then
    redis.call('HINCRBY', n, 'expd', 1)
  else
    redis.call('HINCRBY', n, 'ack', 1)
    redis.call('HINCRBY', n, 'dlv', 1)
  end
  redis.call('SREM', P .. 'nr:' .. seq, id)
  released(seq)
end
if #entries > 0 then redis.call('ZREMRANGEBYSCORE', inbox, '-inf', position) end
redis.call('HSET', k, 'acked', position)
redis.call('HINCRBY', k, 'pending', -#entries)
return position
`;

/**
 * ARGV: prefix, app, id. Returns nil or {id, recipients, delivered, acknowledged, expired, dropped, createdAt, expiresAt|nil}.
 * Entries still in an inbox count as delivered once their session's sentSeq reached them.
 */
export const STATUS = `${PRELUDE}
local seq = redis.call('GET', P .. 'nid:' .. ARGV[2] .. ':' .. ARGV[3])
if not seq then return false end
local n = P .. 'n:' .. seq
local f = redis.call('HMGET', n, 'id', 'rcpt', 'dlv', 'ack', 'expd', 'drop', 'created', 'exp')
if not f[1] then return false end
local live = 0
for _, sid in ipairs(redis.call('SMEMBERS', P .. 'nr:' .. seq)) do
  local sent = redis.call('HGET', P .. 's:' .. sid, 'sent')
  if sent and tonumber(sent) >= tonumber(seq) then live = live + 1 end
end
return {f[1], tonumber(f[2]), tonumber(f[3]) + live, tonumber(f[4]), tonumber(f[5]), tonumber(f[6]), f[7], f[8]}
`;
