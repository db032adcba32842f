// The Redis key layout of RedisStorage. Every key starts with the configured prefix (P below); the Lua
// scripts in lua/ build the same names from ARGV[1], so this file and lua/ change together.
//
//   P seq                  string  last seq handed out (INCR inside the publish script)
//   P apps                 hash    app id -> AppRecord JSON
//   P appkeys              hash    app key -> app id
//   P s:<session>          hash    session: app user? scope meta rh ttl created node? ne? tr? disc? acked sent pending
//   P as:<app>             zset    sessions of an app, score createdAt (listing order, target `all`)
//   P au:<app>:<user>      set     sessions of a user            (target `users`)
//   P ac:<app>:<scope>     set     sessions of a scope           (target `scopes`)
//   P idle                 zset    disconnected sessions, score = the moment they expire (disc or createdAt, + ttl)
//   P in:<session>         zset    inbox: member and score = seq
//   P n:<seq>              hash    notification: app id json? created exp? ik? rh? until? rcpt dlv ack expd drop
//   P nid:<app>:<id>       string  notification id -> seq (status lookups)
//   P nr:<seq>             set     sessions whose inbox still holds seq (sweep, status)
//   P exp                  zset    seqs still held by some inbox, score = expiresAt (sweep)
//   P done                 zset    seqs no inbox holds any more, score = expiresAt or createdAt (status retention)
//   P donek                zset    like done, but waiting for their idempotency window, score = until
//   P ik:<app>:<key>       string  idempotency key -> seq
//   P ikexp                zset    "<app>:<key>" scored by the end of its idempotency window
//   P nodes                zset    live nodes, score = last heartbeat
//   P epoch                hash    node -> lease epoch (bumped whenever the node's lease is retired)
//   P ns:<node>            set     sessions connected through node in its current epoch
//   P rel                  hash    "<node>:<epoch>" -> last heartbeat, for retired leases whose sessions await release
//   P rel:<node>:<epoch>   set     sessions of a retired lease not yet released
//   P bus                  channel cluster bus (publish script announces commits here, channel scripts member changes)
//   P cm:<app>:<channel>   hash    channel subscribers: socket id -> "<node>:<epoch>\n" + ("=<user>" on presence channels)
//   P cu:<app>:<channel>   hash    presence: user id -> sockets of the user in the channel
//   P ci:<app>:<channel>   hash    presence: user id -> user info JSON
//   P cx:<app>             zset    occupied channels of an app, all scored 0 (listed by prefix with ZRANGEBYLEX)
//   P co:<node>:<epoch>    set     "<app>\n<channel>\n<socket>" joined through that lease (removed when it is retired)
//   P cl                   set     "<node>:<epoch>" owners that have a co: set
//   P cc:<app>:<channel>   string  cache channel's last event JSON, expiring with the channel's cache ttl
//   P ps:<app>:<id>        string  Web Push subscription record JSON (id derived from the endpoint)
//   P psu:<app>:<user>     zset    a user's subscription ids, score createdAt (oldest trimmed first)
//   P pc:<app>:<notif id>  hash    push counters sent failed removed (expire after 30 days)
// Jobs (RedisJobStore, jobs.ts; scripts in lua/jobs.ts):
//   P j:<id>               hash    job: app sess kind meta state created upd exp ph prog? pn? out? fin?
//   P jr:<session>         zset    running jobs of a session, score createdAt (orphaning)
//   P jdue                 zset    running jobs, score = deadline (expiry)
//   P jdone                zset    finished jobs, score = kept until (purge)
//   P jl:<id>              string  a job's lock: the holder's token, with a TTL (core/job-queue.ts)

/** Key names for the commands RedisStorage sends outside Lua. */
export class Keys {
  constructor(readonly prefix: string) {}

  get apps(): string {
    return `${this.prefix}apps`;
  }
  get appKeys(): string {
    return `${this.prefix}appkeys`;
  }
  get idle(): string {
    return `${this.prefix}idle`;
  }
  get rel(): string {
    return `${this.prefix}rel`;
  }
  get bus(): string {
    return `${this.prefix}bus`;
  }
  session(id: string): string {
    return `${this.prefix}s:${id}`;
  }
  appSessions(appId: string): string {
    return `${this.prefix}as:${appId}`;
  }
}
