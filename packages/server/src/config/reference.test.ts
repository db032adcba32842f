// Keeps docs/config.md in step with the schema, and checks the generator renders any option a feature may add.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference, type SchemaLike } from './reference.js';
import { FOREIGN_ENV, schema } from './schema.js';

const DOC = fileURLToPath(new URL('../../../../docs/config.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/config.md is exactly what the schema generates (run `npm run docs:config` after changing the schema)', () => {
    assert.equal(readFileSync(DOC, 'utf8'), renderConfigReference(), 'docs/config.md is out of date: run `npm run docs:config`');
  });

  it('lists every option with its environment variable, default and meaning', () => {
    const doc = renderConfigReference();
    for (const [name, spec] of Object.entries(schema)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      assert.ok(row, `no row for ${name}`);
      assert.ok(row.includes(`\`${spec.env}\``), `${name}: env name missing`);
      assert.ok(row.includes(spec.doc.replace(/\|/g, '\\|')), `${name}: doc missing`);
      assert.ok(spec.default === '' ? row.includes('(empty)') : row.includes(JSON.stringify(spec.default)), `${name}: default missing`);
    }
    for (const env of FOREIGN_ENV) assert.ok(doc.includes(`| \`${env}\` |`), `${env} missing`);
  });

  it('renders an option with a parser it knows nothing about, and marks secrets', () => {
    const custom: SchemaLike = {
      webhookUrls: { env: 'HERALD_WEBHOOK_URLS', default: ['a|b'], doc: 'Where | to post.', parse: (raw) => raw, secret: false },
      pushKey: { env: 'HERALD_PUSH_KEY', default: '', doc: 'Signing key.', parse: (raw) => raw, secret: true },
    };
    const doc = renderConfigReference(custom, []);
    assert.match(doc, /^\| `webhookUrls` \| `HERALD_WEBHOOK_URLS` \| `\["a\\\|b"\]` \| list \| Where \\\| to post\. \|$/m);
    assert.match(doc, /^\| `pushKey` \| `HERALD_PUSH_KEY` \| \(empty\) \| string \| Signing key\. \*\*Secret\*\*/m);
  });
});
