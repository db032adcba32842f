// Keeps the error catalogue and docs/errors.md in step: every code documented with its status, no stale rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRORS, isErrorCode } from './errors.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

describe('error catalogue', () => {
  it('documents every code with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(ERRORS)) {
      assert.equal(rows.get(code), status, `docs/errors.md must list ${code} with status ${status}`);
    }
  });

  it('documents no code that the catalogue lacks', () => {
    for (const code of rows.keys()) assert.ok(isErrorCode(code), `docs/errors.md lists unknown code ${code}`);
  });

  it('uses only HTTP error statuses', () => {
    for (const { status } of Object.values(ERRORS)) assert.ok(status >= 400 && status < 600);
  });
});
