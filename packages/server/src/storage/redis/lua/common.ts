// Lua shared by the scripts: the prefix and the bookkeeping when an inbox entry is removed.

/**
 * Prepended to every script. ARGV[1] is always the key prefix (see ../keys.ts for the layout).
 * `released(seq)` runs after an entry of seq left an inbox: once no inbox holds it, its JSON is
 * dropped and it waits in `done` for the status retention of sweep().
 */
export const PRELUDE = `
local P = ARGV[1]
local function released(seq)
  if redis.call('SCARD', P .. 'nr:' .. seq) == 0 then
    local n = P .. 'n:' .. seq
    redis.call('HDEL', n, 'json')
    redis.call('ZREM', P .. 'exp', seq)
    local f = redis.call('HMGET', n, 'exp', 'created')
    if f[2] then redis.call('ZADD', P .. 'done', f[1] or f[2], seq) end
  end
end
`;
