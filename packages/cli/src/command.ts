// What every `herald` subcommand module provides, and the argument helpers they share.
import type { JsonObject, JsonValue } from '@herald/protocol';

/** Where a command writes and what environment it reads; tests pass their own. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

/** A subcommand module (`commands/<name>.ts`) exports these two. */
export interface Command {
  /** Full help text, printed for `--help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves with the exit code. Throws UsageError for bad arguments. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Exit codes: 1 when the operation failed, 2 when it was never attempted because the arguments were wrong. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Environment variables the client-side commands read when a flag is left out. */
export const ENV = { url: 'HERALD_URL', appId: 'HERALD_APP_ID', secret: 'HERALD_APP_SECRET' } as const;

/** Bad command-line arguments; main prints the message with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs node:util parseArgs (passed as `parse`) and reports its complaints as UsageError. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes and messages written for the user.
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The one action word of a command that has actions (`herald apps list`): UsageError when it is
 * missing, unknown, or followed by more words.
 */
export function actionOf<A extends string>(positionals: string[], actions: readonly A[]): A {
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const choices = `${actions.slice(0, -1).join(', ')} or ${actions.at(-1)}`;
  if (action === undefined) throw new UsageError(`name an action: ${choices}`);
  if (!(actions as readonly string[]).includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}: use ${choices}`);
  return action as A;
}

/** The flag's value, else the environment variable's; UsageError when neither is set. */
export function flagOrEnv(value: string | undefined, flag: string, env: CliIO['env'], envName: string): string {
  const found = value ?? env[envName];
  if (found === undefined || found === '') throw new UsageError(`--${flag} is required (or set ${envName})`);
  return found;
}

/** A required flag. */
export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/** Parses a whole number of seconds greater than zero. */
export function parsePositiveInt(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses any JSON value; a bare word is refused rather than guessed at, with a hint to quote it. */
export function parseJson(text: string, flag: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new UsageError(`--${flag} is not valid JSON (a string needs its own quotes: --${flag} '"text"')`);
  }
}

/** Parses a JSON object. */
export function parseJsonObject(text: string, flag: string): JsonObject {
  const value = parseJson(text, flag);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--${flag} must be a JSON object`);
  return value;
}
