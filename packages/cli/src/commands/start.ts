// `herald start`: loads the configuration (file, environment, flags), starts the server, stops it gracefully on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { HeraldConfigError, loadConfig, startServer, type LoadOptions } from '@herald/server';
import { EXIT, parsePositiveInt, usageErrors, type CliIO } from '../command.js';

export const usage = `Usage: herald start [options]

Starts Herald. Settings come from the config file named by $HERALD_CONFIG, then HERALD_*
environment variables, then these flags (docs/config.md lists every setting).

Options:
  --port PORT        Port to listen on (HERALD_PORT, default 7700)
  --host HOST        Address to listen on (HERALD_HOST, default 127.0.0.1)
  --data-dir DIR     Data directory for SQLite (HERALD_DATA_DIR, default ./data)
  -h, --help         Show this help
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = usageErrors(() =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }),
  );
  if (values.help) {
    io.out(usage);
    return EXIT.ok;
  }
  const overrides: NonNullable<LoadOptions['overrides']> = {};
  if (values.port !== undefined) overrides.port = values.port === '0' ? 0 : parsePositiveInt(values.port, 'port');
  if (values.host !== undefined) overrides.host = values.host;
  if (values['data-dir'] !== undefined) overrides.dataDir = values['data-dir'];

  let server;
  try {
    server = await startServer(loadConfig({ env: io.env, overrides }));
  } catch (err) {
    if (err instanceof HeraldConfigError) {
      io.err(`herald: configuration error: ${err.message}\n`);
      return EXIT.usage;
    }
    io.err(`herald: cannot start: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
  io.out(`Herald listening on ${server.url} (node ${server.node}, storage ${server.storage.kind})\n`);
  // The generated development app's credentials are printed at every start: it exists only for local use.
  const dev = server.createdDevApp ?? (server.config.apps.length === 0 ? server.apps.find((a) => a.id === 'dev') : undefined);
  if (dev) {
    io.out(`${server.createdDevApp ? 'Created the' : 'The'} development app (stored in ${server.config.dataDir}):\n  HERALD_APP_ID=${dev.id}\n  HERALD_APP_KEY=${dev.key}\n  HERALD_APP_SECRET=${dev.secret}\n`);
  } else {
    io.out(`Apps: ${server.apps.map((a) => `${a.id} (key ${a.key})`).join(', ')}\n`);
  }
  // A generated admin token exists only in this process, so this output is the one place to read it.
  io.out(`Dashboard: ${server.url}/dashboard (admin token ${server.adminTokenGenerated ? `generated for this run: ${server.adminToken}; set HERALD_ADMIN_TOKEN to keep one` : 'from HERALD_ADMIN_TOKEN'})\n`);
  io.out(`Metrics: ${server.url}/metrics, health: ${server.url}/healthz, readiness: ${server.url}/readyz\n`);

  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: string) => {
      if (++signals > 1) return resolve(EXIT.failure);
      io.out(`herald: ${signal} received, shutting down\n`);
      // stop() bounds each phase by shutdownTimeoutMs; this is the backstop if something still hangs.
      setTimeout(() => {
        io.err(`herald: shutdown took longer than ${server.config.shutdownTimeoutMs} ms, exiting\n`);
        process.exit(EXIT.failure);
      }, server.config.shutdownTimeoutMs + 1000).unref();
      server.stop().then(
        () => resolve(EXIT.ok),
        (err: unknown) => {
          io.err(`herald: shutdown failed: ${(err as Error).message}\n`);
          resolve(EXIT.failure);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
