// `herald config check | print`: validates the configuration, or prints the effective one with secrets masked.
import { parseArgs } from 'node:util';
import { createStorage, HeraldConfigError, loadConfig, maskConfig, type Config, type Storage } from '@herald/server';
import { actionOf, EXIT, UsageError, usageErrors, type CliIO } from '../command.js';

export const usage = `Usage: herald config <check | print> [options]

Reads the configuration exactly as \`herald start\` does: the config file named by
$HERALD_CONFIG, then HERALD_* environment variables (docs/config.md lists every setting).

  herald config check [--connect]   Exits 0 when the configuration is valid, else prints the
                                    first bad setting and exits 1. --connect also opens the
                                    storage and pings it (for SQLite this creates the database).
  herald config print               Prints the effective configuration as JSON, secrets masked.

Options:
  -h, --help        Show this help
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { connect: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }),
  );
  if (values.help) {
    io.out(usage);
    return EXIT.ok;
  }
  const action = actionOf(positionals, ['check', 'print']);
  if (values.connect && action !== 'check') throw new UsageError('--connect belongs to config check');

  let config: Config;
  try {
    config = loadConfig({ env: io.env });
  } catch (err) {
    if (!(err instanceof HeraldConfigError)) throw err;
    io.err(`herald config: ${err.message}\n`);
    return EXIT.failure;
  }
  if (action === 'print') {
    io.out(`${JSON.stringify(maskConfig(config), null, 2)}\n`);
    return EXIT.ok;
  }
  if (values.connect) {
    let storage: Storage | null = null;
    try {
      storage = createStorage(config);
      await storage.init();
      await storage.ping();
    } catch (err) {
      io.err(`herald config: storage ${config.storage} is not usable: ${err instanceof Error ? err.message : String(err)}\n`);
      return EXIT.failure;
    } finally {
      await storage?.close().catch(() => undefined);
    }
  }
  const where = config.storage === 'sqlite' ? `sqlite in ${config.dataDir}` : config.storage;
  io.out(`Configuration OK: listens on ${config.host}:${config.port}, storage ${where}${values.connect ? ' (reachable)' : ''}, ${config.apps.length} configured app(s).\n`);
  return EXIT.ok;
}
