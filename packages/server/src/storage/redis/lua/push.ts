// Web Push scripts: put a subscription (replacing its endpoint's record, trimming the user's oldest), delete, online users.
import { PRELUDE } from './common.js';

/**
 * ARGV: prefix, app, id, user, recordJson, createdAt, maxPerUser. Returns how many older subscriptions
 * of the user were removed. The record of this id may belong to another user: it moves to this one.
 */
export const PUT_PUSH = `${PRELUDE}
local app, id, user = ARGV[2], ARGV[3], ARGV[4]
local rec = P .. 'ps:' .. app .. ':' .. id
local old = redis.call('GET', rec)
if old then
  local previous = cjson.decode(old).userId
  if previous ~= user then redis.call('ZREM', P .. 'psu:' .. app .. ':' .. previous, id) end
end
redis.call('SET', rec, ARGV[5])
local owned = P .. 'psu:' .. app .. ':' .. user
redis.call('ZADD', owned, tonumber(ARGV[6]), id)
local count, max, removed = redis.call('ZCARD', owned), tonumber(ARGV[7]), 0
if count > max then
  for _, other in ipairs(redis.call('ZRANGE', owned, 0, -1)) do
    if count <= max then break end
    if other ~= id then
      redis.call('ZREM', owned, other)
      redis.call('DEL', P .. 'ps:' .. app .. ':' .. other)
      count = count - 1
      removed = removed + 1
    end
  end
end
return removed
`;

/** ARGV: prefix, app, id, user ('' for any owner). Returns 1 when deleted. */
export const DELETE_PUSH = `${PRELUDE}
local app, id, user = ARGV[2], ARGV[3], ARGV[4]
local rec = P .. 'ps:' .. app .. ':' .. id
local old = redis.call('GET', rec)
if not old then return 0 end
local owner = cjson.decode(old).userId
if user ~= '' and owner ~= user then return 0 end
redis.call('DEL', rec)
redis.call('ZREM', P .. 'psu:' .. app .. ':' .. owner, id)
return 1
`;

/** ARGV: prefix, app, user. Returns how many subscriptions were deleted. */
export const DELETE_USER_PUSH = `${PRELUDE}
local app, user = ARGV[2], ARGV[3]
local owned = P .. 'psu:' .. app .. ':' .. user
local ids = redis.call('ZRANGE', owned, 0, -1)
for _, id in ipairs(ids) do redis.call('DEL', P .. 'ps:' .. app .. ':' .. id) end
redis.call('DEL', owned)
return #ids
`;

/** ARGV: prefix, app, user... Returns the users with at least one session served by some node. */
export const USERS_ONLINE = `${PRELUDE}
local app = ARGV[2]
local online = {}
for i = 3, #ARGV do
  for _, sid in ipairs(redis.call('SMEMBERS', P .. 'au:' .. app .. ':' .. ARGV[i])) do
    if redis.call('HEXISTS', P .. 's:' .. sid, 'node') == 1 then
      table.insert(online, ARGV[i])
      break
    end
  end
end
return online
`;
