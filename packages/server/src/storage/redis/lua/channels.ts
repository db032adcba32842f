// Channel membership scripts: join, leave, counts, listing, the cache, and the release of a dead node's sockets.

/**
 * Prepended to the channel scripts. `keys(app, ch)` names the channel's hashes (see ../keys.ts);
 * a socket's value in `cm` is "<owner>\n" followed by "=<user id>" on presence channels, where owner is
 * "<node>:<lease epoch>" of the node that joined it. `announce` publishes a channel message on the bus
 * inside the change (the format of cluster/messages.ts, kind `channel`), so member messages reach
 * every node in the order the changes happened. `depart` removes one socket (only if `owner` holds it,
 * when given) and returns {vacated, removed?, user}, or nil when the socket is not there.
 */
const CHANNEL_PRELUDE = `
local P = ARGV[1]
local function keys(app, ch)
  local b = app .. ':' .. ch
  return P .. 'cm:' .. b, P .. 'cu:' .. b, P .. 'ci:' .. b
end
local function announce(message)
  redis.call('PUBLISH', P .. 'bus', '{"kind":"channel","message":' .. message .. '}')
end
local function split(value)
  local nl = string.find(value, '\\n', 1, true)
  return string.sub(value, 1, nl - 1), string.sub(value, nl + 1)
end
local function depart(app, ch, sock, owner)
  local cm, cu, ci = keys(app, ch)
  local value = redis.call('HGET', cm, sock)
  if not value then return nil end
  local held, member = split(value)
  if owner ~= '' and held ~= owner then return nil end
  redis.call('HDEL', cm, sock)
  redis.call('SREM', P .. 'co:' .. held, app .. '\\n' .. ch .. '\\n' .. sock)
  if redis.call('EXISTS', P .. 'co:' .. held) == 0 then redis.call('SREM', P .. 'cl', held) end
  local removed, user = 0, ''
  if member ~= '' then
    user = string.sub(member, 2)
    if redis.call('HINCRBY', cu, user, -1) <= 0 then
      redis.call('HDEL', cu, user)
      redis.call('HDEL', ci, user)
      removed = 1
      announce('{"kind":"member_removed","appId":' .. cjson.encode(app) .. ',"channel":' .. cjson.encode(ch) .. ',"userId":' .. cjson.encode(user) .. '}')
    end
  end
  local vacated = 0
  if redis.call('EXISTS', cm) == 0 then
    vacated = 1
    redis.call('ZREM', P .. 'cx:' .. app, ch)
  end
  return {vacated, removed, user}
end
`;

/**
 * ARGV: prefix, app, channel, socket, node, member ('1'/'0'), user, info JSON, max members ('' none).
 * Returns {0} when the channel is full, else {1, occupied, member added, presence, user, info, user, info…}.
 * A socket already in the channel changes nothing, except that a socket recorded under an earlier lease
 * of this node (taken for dead, then back) moves to the current one, so its release skips it.
 */
export const CHANNEL_JOIN = `${CHANNEL_PRELUDE}
local app, ch, sock, node = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local member, user, info, max = ARGV[6] == '1', ARGV[7], ARGV[8], ARGV[9]
local cm, cu, ci = keys(app, ch)
local owner = node .. ':' .. (redis.call('HGET', P .. 'epoch', node) or '0')
local entry = app .. '\\n' .. ch .. '\\n' .. sock
local function reply(occupied, added)
  local out = {1, occupied, added, redis.call('EXISTS', cu)}
  for _, v in ipairs(redis.call('HGETALL', ci)) do out[#out + 1] = v end
  return out
end
local value = redis.call('HGET', cm, sock)
if value then
  local held, rest = split(value)
  if held ~= owner then
    redis.call('HSET', cm, sock, owner .. '\\n' .. rest)
    redis.call('SREM', P .. 'co:' .. held, entry)
    redis.call('SADD', P .. 'co:' .. owner, entry)
    redis.call('SADD', P .. 'cl', owner)
  end
  return reply(0, 0)
end
if member and max ~= '' and redis.call('HEXISTS', cu, user) == 0 and redis.call('HLEN', cu) >= tonumber(max) then return {0} end
local occupied = 1 - redis.call('EXISTS', cm)
redis.call('HSET', cm, sock, owner .. '\\n' .. (member and ('=' .. user) or ''))
redis.call('ZADD', P .. 'cx:' .. app, 0, ch)
redis.call('SADD', P .. 'co:' .. owner, entry)
redis.call('SADD', P .. 'cl', owner)
local added = 0
if member and redis.call('HINCRBY', cu, user, 1) == 1 then
  added = 1
  redis.call('HSET', ci, user, info)
  announce('{"kind":"member_added","appId":' .. cjson.encode(app) .. ',"channel":' .. cjson.encode(ch) ..
    ',"member":{"userId":' .. cjson.encode(user) .. ',"info":' .. info .. '},"except":' .. cjson.encode(sock) .. '}')
end
return reply(occupied, added)
`;

/** ARGV: prefix, app, channel, socket. Returns {} when the socket was not in the channel, else {vacated, removed, user}. */
export const CHANNEL_LEAVE = `${CHANNEL_PRELUDE}
return depart(ARGV[2], ARGV[3], ARGV[4], '') or {}
`;

/** ARGV: prefix, app, channel. Returns {subscriptions, presence, users}. */
export const CHANNEL_SUMMARY = `${CHANNEL_PRELUDE}
local cm, cu = keys(ARGV[2], ARGV[3])
return {redis.call('HLEN', cm), redis.call('EXISTS', cu), redis.call('HLEN', cu)}
`;

/**
 * ARGV: prefix, app, min, max, limit (ZRANGEBYLEX bounds over the app's occupied channels).
 * Returns {name, subscriptions, presence, users, …} for up to `limit` channels.
 */
export const CHANNEL_LIST = `${CHANNEL_PRELUDE}
local app = ARGV[2]
local out = {}
for _, ch in ipairs(redis.call('ZRANGEBYLEX', P .. 'cx:' .. app, ARGV[3], ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))) do
  local cm, cu = keys(app, ch)
  out[#out + 1] = ch
  out[#out + 1] = redis.call('HLEN', cm)
  out[#out + 1] = redis.call('EXISTS', cu)
  out[#out + 1] = redis.call('HLEN', cu)
end
return out
`;

/** ARGV: prefix, key. Returns {value, ms left} or {} (the cache entry and its ttl, read together). */
export const CHANNEL_CACHE_GET = `
local value = redis.call('GET', ARGV[2])
if not value then return {} end
return {value, redis.call('PTTL', ARGV[2])}
`;

/**
 * ARGV: prefix, batch. Removes up to `batch` sockets recorded under retired leases (an owner whose epoch is
 * older than its node's current one), with their member_removed messages. Any node may run it; each socket
 * is removed by exactly one run. Returns {more, app, channel, socket, vacated, removed, user, …}.
 */
export const CHANNEL_RELEASE = `${CHANNEL_PRELUDE}
local budget = tonumber(ARGV[2])
local out = {0}
for _, owner in ipairs(redis.call('SMEMBERS', P .. 'cl')) do
  if budget <= 0 then break end
  local set = P .. 'co:' .. owner
  local node, epoch = string.match(owner, '^(.*):(%d+)$')
  if node and tonumber(epoch) < tonumber(redis.call('HGET', P .. 'epoch', node) or '0') then
    local entries = redis.call('SPOP', set, budget)
    budget = budget - #entries
    for _, e in ipairs(entries) do
      local app, ch, sock = string.match(e, '^(.-)\\n(.-)\\n(.*)$')
      local gone = app and depart(app, ch, sock, owner)
      if gone then
        out[#out + 1] = app
        out[#out + 1] = ch
        out[#out + 1] = sock
        out[#out + 1] = gone[1]
        out[#out + 1] = gone[2]
        out[#out + 1] = gone[3]
      end
    end
  end
  if redis.call('EXISTS', set) == 0 then redis.call('SREM', P .. 'cl', owner) end
end
-- A spent budget may have left work: the caller runs again (a run with nothing to do is cheap).
if budget <= 0 then out[1] = 1 end
return out
`;
