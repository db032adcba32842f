// Query plans of the publish path: addressing sessions by id must not scan every session of the app.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate } from './schema.js';
import { prepareStatements } from './statements.js';

function planOf(db: Database.Database, sql: string, params: Record<string, string>): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
}

describe('SQLite publish statements', () => {
  it('looks sessions addressed by id up by primary key, with thousands of sessions in the app', () => {
    const db = new Database(':memory:');
    try {
      migrate(db);
      db.prepare("INSERT INTO apps (id, key, secret, name, created_at, settings) VALUES ('a', 'k', 's', 'A', 0, '{}')").run();
      const insert = db.prepare("INSERT INTO sessions (id, app_id, user_id, scope, meta, resume_hash, ttl_ms, created_at) VALUES (?, 'a', ?, '', '{}', 'x', 1000, ?)");
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run(`s${String(i).padStart(5, '0')}`, `u${i % 50}`, i);
      })();
      const st = prepareStatements(db);
      const ids = JSON.stringify(['s00042', 's02999', 'nope']);
      // better-sqlite3 keeps each statement's SQL in `source`.
      const plan = planOf(db, (st.targetSessions as unknown as { source: string }).source, { app: 'a', ids });
      assert.ok(plan.some((d) => /SEARCH sessions USING (INDEX sqlite_autoindex_sessions_1|PRIMARY KEY) \(id=\?\)/.test(d)), plan.join('\n'));
      assert.ok(!plan.some((d) => /^SCAN sessions|USING INDEX sessions_app/.test(d)), plan.join('\n'));
      assert.deepEqual(st.targetSessions.all({ app: 'a', ids }).map((r) => r.id), ['s00042', 's02999']);
      assert.deepEqual(st.targetSessions.all({ app: 'other', ids }), [], 'another app sees none of them');
    } finally {
      db.close();
    }
  });
});
