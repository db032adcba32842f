// The Lua scripts as ioredis custom commands (EVALSHA, falling back to EVAL after a Redis restart).
import type { Redis } from 'ioredis';
import { PUBLISH } from './lua/publish.js';
import { CREATE_SESSION, END_SESSION, PUT_APP, SET_CONNECTION } from './lua/sessions.js';
import { ACK, MARK_SENT, READ_INBOX, STATUS } from './lua/inbox.js';
import { SWEEP } from './lua/sweep.js';
import { DELETE_PUSH, DELETE_USER_PUSH, PUT_PUSH, USERS_ONLINE } from './lua/push.js';
import { BEAT_NODE, LEAVE_NODE, REAP_NODES, REGISTER_NODE, RELEASE_SESSIONS } from './lua/nodes.js';
import { CHANNEL_CACHE_GET, CHANNEL_JOIN, CHANNEL_LEAVE, CHANNEL_LIST, CHANNEL_RELEASE, CHANNEL_SUMMARY } from './lua/channels.js';

const SCRIPTS = {
  heraldPublish: PUBLISH,
  heraldCreateSession: CREATE_SESSION,
  heraldSetConnection: SET_CONNECTION,
  heraldEndSession: END_SESSION,
  heraldPutApp: PUT_APP,
  heraldReadInbox: READ_INBOX,
  heraldMarkSent: MARK_SENT,
  heraldAck: ACK,
  heraldStatus: STATUS,
  heraldSweep: SWEEP,
  heraldRegisterNode: REGISTER_NODE,
  heraldBeatNode: BEAT_NODE,
  heraldLeaveNode: LEAVE_NODE,
  heraldReapNodes: REAP_NODES,
  heraldReleaseSessions: RELEASE_SESSIONS,
  heraldPutPush: PUT_PUSH,
  heraldDeletePush: DELETE_PUSH,
  heraldDeleteUserPush: DELETE_USER_PUSH,
  heraldUsersOnline: USERS_ONLINE,
  heraldChannelJoin: CHANNEL_JOIN,
  heraldChannelLeave: CHANNEL_LEAVE,
  heraldChannelSummary: CHANNEL_SUMMARY,
  heraldChannelList: CHANNEL_LIST,
  heraldChannelCacheGet: CHANNEL_CACHE_GET,
  heraldChannelRelease: CHANNEL_RELEASE,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type Arg = string | number;

/** A connection with every script defined; each takes ARGV only (the prefix first) and no KEYS. */
export type ScriptedRedis = Redis & { [K in ScriptName]: (...argv: Arg[]) => Promise<unknown> };

export function defineScripts(client: Redis): ScriptedRedis {
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 0, lua });
  // defineCommand adds the methods at run time; the mapped type above names them.
  return client as ScriptedRedis;
}
