// Black-box tests of the built `herald` binary: dispatch, help, exit codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';

const bin = fileURLToPath(new URL('./main.js', import.meta.url));

function herald(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['HERALD_APP_ID'];
  delete env['HERALD_APP_SECRET'];
  delete env['HERALD_URL'];
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('herald', () => {
  it('is an executable script for node', () => {
    assert.ok(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n'));
  });

  it('lists its commands with --help and exits 0', () => {
    const r = herald('--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: herald <command>/);
    assert.match(r.stdout, /^ {2}token +Print a connection token/m);
    assert.match(r.stdout, /^ {2}send +Publish a notification/m);
    for (const name of ['start', 'apps', 'keys', 'config']) assert.match(r.stdout, new RegExp(`^ {2}${name} +\\S`, 'm'));
  });

  it('prints the usage on stderr and exits 2 without a command', () => {
    const r = herald();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: herald <command>/);
  });

  it('refuses an unknown command with exit 2, including names inherited by objects', () => {
    for (const name of ['bogus', 'constructor', 'toString']) {
      const r = herald(name);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, new RegExp(`unknown command "${name}"`));
    }
  });

  it('shows a command help with "<command> --help" and with "help <command>"', () => {
    for (const args of [['send', '--help'], ['help', 'send']]) {
      const r = herald(...args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /^Usage: herald send/);
    }
    for (const name of ['start', 'token', 'apps', 'keys', 'config']) {
      const r = herald(name, '--help');
      assert.equal(r.code, 0, name);
      assert.match(r.stdout, new RegExp(`^Usage: herald ${name}`), name);
    }
  });

  it('runs a command and passes its output through', () => {
    const r = herald('token', '--app', 'a1', '--secret', 's', '--user', 'u1');
    assert.equal(r.code, 0, r.stderr);
    const claims = decodeJwt(r.stdout.trim());
    assert.equal(claims['app'], 'a1');
    assert.equal(claims.sub, 'u1');
  });

  it('reports bad arguments with a pointer to the command help and exit 2', () => {
    const r = herald('token', '--app', 'a1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^herald token: --secret is required/);
    assert.match(r.stderr, /herald token --help/);
  });

  it('prints its version', () => {
    const r = herald('--version');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
