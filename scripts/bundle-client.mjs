// Builds the browser SDK: one ES module file, packages/client/dist/herald-client.browser.js.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entry = 'packages/client/src/browser.ts';
if (existsSync(entry)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outfile: 'packages/client/dist/herald-client.browser.js',
    sourcemap: true,
    logLevel: 'warning',
  });
}
