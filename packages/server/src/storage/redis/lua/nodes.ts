// Node lease scripts: register, heartbeat, reap dead nodes, release the sessions of a retired lease.

/**
 * Retiring a node's lease: drop it from the live nodes, bump its epoch (connections made from now on carry
 * the new epoch) and move its session set aside, with its last heartbeat, for release.
 */
const RETIRE = `
local P = ARGV[1]
local function retire(node, beat)
  redis.call('ZREM', P .. 'nodes', node)
  local epoch = redis.call('HINCRBY', P .. 'epoch', node, 1) - 1
  local field = node .. ':' .. epoch
  if redis.call('EXISTS', P .. 'ns:' .. node) == 1 then
    redis.call('RENAME', P .. 'ns:' .. node, P .. 'rel:' .. field)
    redis.call('HSET', P .. 'rel', field, beat)
  end
end
`;

/**
 * ARGV: prefix, node, now. Starts a lease. A lease the same node name still holds belongs to an earlier
 * process (restarted with the same HERALD_NODE_ID): it is retired first. Returns that lease's last beat or nil.
 */
export const REGISTER_NODE = `${RETIRE}
local node, now = ARGV[2], ARGV[3]
local previous = redis.call('ZSCORE', P .. 'nodes', node)
if previous then retire(node, previous) end
redis.call('ZADD', P .. 'nodes', now, node)
return previous
`;

/** ARGV: prefix, node, now. Renews the lease; returns 0 when it was retired meanwhile (the node must register again). */
export const BEAT_NODE = `
local P, node, now = ARGV[1], ARGV[2], ARGV[3]
if not redis.call('ZSCORE', P .. 'nodes', node) then return 0 end
redis.call('ZADD', P .. 'nodes', now, node)
return 1
`;

/** ARGV: prefix, node, now. Graceful leave: retires the lease at once, with `now` as its last beat. */
export const LEAVE_NODE = `${RETIRE}
if redis.call('ZSCORE', P .. 'nodes', ARGV[2]) then retire(ARGV[2], ARGV[3]) end
return 1
`;

/** ARGV: prefix, now, leaseMs, limit. Retires nodes silent for longer than leaseMs; returns their names. */
export const REAP_NODES = `${RETIRE}
local now, lease, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local dead = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', '(' .. (now - lease), 'WITHSCORES', 'LIMIT', 0, limit)
local names = {}
for i = 1, #dead, 2 do
  retire(dead[i], dead[i + 1])
  names[#names + 1] = dead[i]
end
return names
`;

/**
 * ARGV: prefix, "<node>:<epoch>", batch. Marks up to `batch` sessions of a retired lease disconnected as of its
 * last heartbeat, unless they connected again since (other node or newer epoch). Returns how many it looked at (0: done).
 */
export const RELEASE_SESSIONS = `
local P, field, batch = ARGV[1], ARGV[2], tonumber(ARGV[3])
local beat = redis.call('HGET', P .. 'rel', field)
if not beat then return 0 end
local node, epoch = string.match(field, '^(.*):(%d+)$')
local set = P .. 'rel:' .. field
local ids = redis.call('SPOP', set, batch)
for _, id in ipairs(ids) do
  local k = P .. 's:' .. id
  local f = redis.call('HMGET', k, 'node', 'ne', 'ttl')
  if f[1] == node and f[2] == epoch then
    redis.call('HDEL', k, 'node', 'ne', 'tr')
    redis.call('HSET', k, 'disc', beat)
    redis.call('ZADD', P .. 'idle', tonumber(beat) + tonumber(f[3]), id)
  end
end
if redis.call('EXISTS', set) == 0 then redis.call('HDEL', P .. 'rel', field) end
return #ids
`;
