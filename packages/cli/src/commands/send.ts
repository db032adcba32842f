// `herald send`: publishes one notification through a running server and prints the answer as JSON.
import { parseArgs } from 'node:util';
import { Herald, HeraldApiError, type PublishRequest, type Target } from '@herald/server-sdk';
import { ENV, EXIT, flagOrEnv, parseJson, parsePositiveInt, requireFlag, UsageError, usageErrors, type CliIO } from '../command.js';

export const usage = `Usage: herald send --url URL --app ID --secret SECRET TARGET... --module M --type T [options]

Publishes one notification and prints the server's answer as JSON, {"id", "recipients"}.
On failure prints the error code and message and exits with status 1.

Target (at least one; repeat a flag to name several, they add up):
  --to-session ID     A session
  --to-user ID        Every session of a user
  --to-scope SCOPE    Every session of a scope
  --to-channel NAME   Every subscriber of a channel
  --all               Every session of the app
  --except ID         Leave out this session (the sender)

Notification:
  --module NAME       Module the notification belongs to (required)
  --type NAME         Its type within the module (required)
  --data JSON         Payload, any JSON value; quote a string: --data '"hi"'
  --key KEY           Key of the notification
  --ttl SECONDS       Drop it for sessions that have not received it by then
  --idempotency-key K Publishing again with the same key returns the first answer

Server:
  --url URL           Base URL of the server (default: $${ENV.url})
  --app ID            App id (default: $${ENV.appId})
  --secret SECRET     App secret (default: $${ENV.secret})
  -h, --help          Show this help
`;

/** What `herald send` was asked for, or 'help'. */
export type SendArgs = 'help' | { url: string; appId: string; secret: string; request: PublishRequest };

/** Reads the arguments of `herald send`; throws UsageError when they are wrong. */
export function parseSendArgs(argv: string[], env: CliIO['env']): SendArgs {
  const { values } = usageErrors(() => parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      url: { type: 'string' },
      app: { type: 'string' },
      secret: { type: 'string' },
      'to-session': { type: 'string', multiple: true },
      'to-user': { type: 'string', multiple: true },
      'to-scope': { type: 'string', multiple: true },
      'to-channel': { type: 'string', multiple: true },
      all: { type: 'boolean' },
      except: { type: 'string' },
      module: { type: 'string' },
      type: { type: 'string' },
      data: { type: 'string' },
      key: { type: 'string' },
      ttl: { type: 'string' },
      'idempotency-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
  if (values.help) return 'help';
  const to: Target = {};
  if (values['to-session']) to.sessions = values['to-session'];
  if (values['to-user']) to.users = values['to-user'];
  if (values['to-scope']) to.scopes = values['to-scope'];
  if (values['to-channel']) to.channels = values['to-channel'];
  if (values.all) to.all = true;
  if (Object.keys(to).length === 0) throw new UsageError('name a target: --to-session, --to-user, --to-scope, --to-channel or --all');
  if (values.except !== undefined) to.except = values.except;
  const request: PublishRequest = { to, module: requireFlag(values.module, 'module'), type: requireFlag(values.type, 'type') };
  if (values.data !== undefined) request.data = parseJson(values.data, 'data');
  if (values.key !== undefined) request.key = values.key;
  if (values.ttl !== undefined) request.ttl = parsePositiveInt(values.ttl, 'ttl');
  if (values['idempotency-key'] !== undefined) request.idempotencyKey = values['idempotency-key'];
  return {
    url: flagOrEnv(values.url, 'url', env, ENV.url),
    appId: flagOrEnv(values.app, 'app', env, ENV.appId),
    secret: flagOrEnv(values.secret, 'secret', env, ENV.secret),
    request,
  };
}

/** Publishes; prints the result on stdout, or `herald send: <code> ...` on stderr and exits 1. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseSendArgs(argv, io.env);
  if (args === 'help') {
    io.out(usage);
    return EXIT.ok;
  }
  let herald: Herald;
  try {
    herald = new Herald({ url: args.url, appId: args.appId, secret: args.secret });
  } catch (err) {
    // The client refuses a malformed URL before any request: that is an argument error.
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  try {
    io.out(`${JSON.stringify(await herald.publish(args.request), null, 2)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof HeraldApiError)) throw err;
    const status = err.status > 0 ? ` (HTTP ${err.status})` : '';
    io.err(`herald send: ${err.code}${status}: ${err.message}\n`);
    return EXIT.failure;
  }
}
