// A fresh install must run the install scripts Herald depends on (better-sqlite3 builds its native
// module there): npm 11 skips a dependency's scripts unless package.json's `allowScripts` covers it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('every installed dependency with an install script is covered by allowScripts', (t) => {
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8' });
  // npm before 11 has no install-script approval, and runs every script anyway.
  if (r.status !== 0 && /unknown command/i.test(`${r.stdout}${r.stderr}`)) return t.skip('this npm has no `install-scripts` command');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /No packages with unreviewed install scripts/, r.stdout);
});
