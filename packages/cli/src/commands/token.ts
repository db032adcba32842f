// `herald token`: prints a connection token for a client, signed with the app secret.
import { parseArgs } from 'node:util';
import { createConnectionToken, DEFAULT_TOKEN_TTL, type TokenOptions, type TokenSigner } from '@herald/server-sdk';
import { ENV, EXIT, flagOrEnv, parseJsonObject, parsePositiveInt, usageErrors, type CliIO } from '../command.js';

export const usage = `Usage: herald token --app ID --secret SECRET [options]

Prints a connection token: a JWT signed HS256 with the app secret, which a client
presents to open a session.

Options:
  --app ID          App id (default: $${ENV.appId})
  --secret SECRET   App secret (default: $${ENV.secret}; the variable keeps it out
                    of shell history and process lists)
  --user ID         User id of the session (default: anonymous)
  --scope SCOPE     Kind of client, e.g. browser, designer (default: browser)
  --ttl SECONDS     Lifetime of the token (default: ${DEFAULT_TOKEN_TTL})
  --meta JSON       Session metadata, a JSON object
  -h, --help        Show this help
`;

/** What `herald token` was asked for, or 'help'. */
export type TokenArgs = 'help' | { signer: TokenSigner; options: TokenOptions };

/** Reads the arguments of `herald token`; throws UsageError when they are wrong. */
export function parseTokenArgs(argv: string[], env: CliIO['env']): TokenArgs {
  const { values } = usageErrors(() => parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      app: { type: 'string' },
      secret: { type: 'string' },
      user: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
      meta: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
  if (values.help) return 'help';
  const signer = { appId: flagOrEnv(values.app, 'app', env, ENV.appId), secret: flagOrEnv(values.secret, 'secret', env, ENV.secret) };
  const options: TokenOptions = {};
  if (values.user !== undefined) options.user = values.user;
  if (values.scope !== undefined) options.scope = values.scope;
  options.ttl = values.ttl === undefined ? DEFAULT_TOKEN_TTL : parsePositiveInt(values.ttl, 'ttl');
  if (values.meta !== undefined) options.meta = parseJsonObject(values.meta, 'meta');
  return { signer, options };
}

/** Prints the token and a newline, so `$(herald token ...)` yields just the token. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const args = parseTokenArgs(argv, io.env);
  if (args === 'help') {
    io.out(usage);
    return EXIT.ok;
  }
  io.out(`${await createConnectionToken(args.signer, args.options)}\n`);
  return EXIT.ok;
}
