// `npm start` on a fresh clone: install dependencies when node_modules is missing or stale.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const stale = !existsSync('node_modules/.package-lock.json') ||
  (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync('node_modules/.package-lock.json').mtimeMs);
if (stale) {
  console.log('herald: installing dependencies (first run)...');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
