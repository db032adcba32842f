// Builds the dashboard: packages/dashboard/src/main.ts bundled to dist/public/dashboard.js, with the static files beside it.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';

const root = 'packages/dashboard';
if (existsSync(`${root}/src/main.ts`)) {
  mkdirSync(`${root}/dist/public`, { recursive: true });
  cpSync(`${root}/public`, `${root}/dist/public`, { recursive: true });
  await build({
    entryPoints: [`${root}/src/main.ts`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outfile: `${root}/dist/public/dashboard.js`,
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
}
