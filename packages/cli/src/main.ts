#!/usr/bin/env node
// The `herald` command: looks the subcommand up in COMMANDS, runs it and turns the outcome into an exit code.
import { readFileSync } from 'node:fs';
import { EXIT, UsageError, type CliIO, type Command } from './command.js';

interface CommandEntry {
  /** One line for `herald --help`. */
  summary: string;
  load(): Promise<Command>;
}

/**
 * Every subcommand, one line each: adding a command is adding `commands/<name>.ts` (exporting
 * `usage` and `run`, see Command) and its line here. Modules load on use, so `herald token` does
 * not load the server.
 */
const COMMANDS: Record<string, CommandEntry> = {
  start: { summary: 'Start the Herald server', load: () => import('./commands/start.js') },
  token: { summary: 'Print a connection token for a client', load: () => import('./commands/token.js') },
  send: { summary: 'Publish a notification through a running server', load: () => import('./commands/send.js') },
  apps: { summary: 'List apps, create one, rotate a secret (in storage)', load: () => import('./commands/apps.js') },
  keys: { summary: 'Generate or show the VAPID keys of an app (Web Push)', load: () => import('./commands/keys.js') },
  config: { summary: 'Check the configuration, or print it with secrets masked', load: () => import('./commands/config.js') },
};

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}${entry.summary}`);
  return `Usage: herald <command> [options]

Commands:
${lines.join('\n')}

Run "herald <command> --help" for the options of a command.
`;
}

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(mainUsage());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.out(mainUsage());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${version()}\n`);
    return EXIT.ok;
  }
  // `herald help token` is `herald token --help`.
  const [commandName, commandArgs] = name === 'help' ? [rest[0] ?? '', ['--help']] : [name, rest];
  const entry = Object.hasOwn(COMMANDS, commandName) ? COMMANDS[commandName] : undefined;
  if (entry === undefined) {
    io.err(`herald: unknown command ${JSON.stringify(commandName)}\n\n${mainUsage()}`);
    return EXIT.usage;
  }
  try {
    return await (await entry.load()).run(commandArgs, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`herald ${commandName}: ${err.message}\nRun "herald ${commandName} --help" for usage.\n`);
      return EXIT.usage;
    }
    io.err(`herald ${commandName}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
}

// exitCode rather than process.exit(): output still buffered for a pipe gets written before the process ends.
process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
