// Build secrets, pure parts: the forms a value is searched in, the scan of image entries, the masking log, and the
// sandbox arguments (the value travels through a pipe, never on a command line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bwrapArgs } from '../sandbox/bwrap.js';
import type { FileEntry } from '../image/entry.js';
import { memoryLog } from '../log.js';
import { findIn, secretNeedles, streamSearch } from './needles.js';
import { redactingLog } from './redact.js';
import { scanImage, secretLeakError } from './scan.js';
import { parseConfig } from '../config/parse.js';

const TOKEN = 'npm_s3cr3t-Token-0123456789';

function file(path: string, content: string): FileEntry {
  const bytes = Buffer.from(content);
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: bytes.length, open: async function* () { yield bytes; } };
}

test('a value is found raw and inside any longer base64 text, at every alignment', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 6, maxLength: 40 }), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 }),
    (value, before, after) => {
      const needles = [secretNeedles('s', value)];
      const whole = Buffer.concat([before, value, after]);
      assert.deepEqual(findIn(whole, needles)?.id, 's');
      assert.ok(findIn(Buffer.from(whole.toString('base64')), needles), 'base64 of a text holding the value');
    }));
  assert.equal(findIn(Buffer.from('nothing to see here, just a long line of text'), [secretNeedles('s', Buffer.from(TOKEN))]), undefined);
});

test('a value split across chunks is still found', () => {
  const s = streamSearch([secretNeedles('tok', Buffer.from(TOKEN))]);
  s.push(Buffer.from(`prefix ${TOKEN.slice(0, 5)}`));
  assert.equal(s.found, undefined);
  s.push(Buffer.from(`${TOKEN.slice(5)} suffix`));
  assert.deepEqual(s.found, { id: 'tok', form: 'bytes' });
});

test('base64 wrapped into lines (PEM at 64 columns with CRLF, base64(1) at 76 with LF) is found, in any chunking', () => {
  const wrap = (text: string, width: number, eol: string) => text.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol) + eol;
  fc.assert(fc.property(fc.uint8Array({ minLength: 40, maxLength: 300 }), fc.uint8Array({ maxLength: 9 }),
    fc.constantFrom([64, '\r\n'] as const, [76, '\n'] as const), fc.integer({ min: 1, max: 50 }),
    (value, before, [width, eol], chunk) => {
      const text = Buffer.from(`-----BEGIN KEY-----${eol}${wrap(Buffer.concat([before, value]).toString('base64'), width, eol)}`);
      const s = streamSearch([secretNeedles('key', value)]);
      for (let i = 0; i < text.length; i += chunk) s.push(text.subarray(i, i + chunk));
      assert.deepEqual(s.found, { id: 'key', form: 'base64' });
    }));
  const other = Buffer.from(wrap(Buffer.alloc(200, 7).toString('base64'), 76, '\n'));
  assert.equal(findIn(other, [secretNeedles('key', Buffer.alloc(60, 8))]), undefined, 'other wrapped base64 is not a find');
});

test('scanImage names the variant, the path and the form, and the error never holds the value', async () => {
  const needles = [secretNeedles('npm_token', Buffer.from(TOKEN))];
  const layers = [[file('etc/ok', 'fine'), file('app/.npmrc', `//registry/:_authToken=${TOKEN}\n`)],
    [file('app/blob.b64', Buffer.from(`{"auth":"${TOKEN}"}`).toString('base64'))]];
  const config = Buffer.from(JSON.stringify({ config: { Env: [`X=${TOKEN}`] } }));
  const finds = await scanImage('prod', layers, config, needles);
  assert.deepEqual(finds.map((f) => [f.where, f.path, f.id, f.form]), [
    ['prod', '(image config)', 'npm_token', 'bytes'], ['prod', '/app/.npmrc', 'npm_token', 'bytes'],
    ['prod', '/app/blob.b64', 'npm_token', 'base64'],
  ]);
  const err = secretLeakError(finds);
  assert.equal(err.exitCode, 6);
  assert.match(err.message, /prod: \/app\/\.npmrc holds secret `npm_token`/);
  assert.ok(!err.message.includes(TOKEN) && !String(err.hint).includes(TOKEN));
  assert.deepEqual(await scanImage('dev', [[file('etc/ok', 'fine')]], Buffer.from('{}'), needles), []);
});

test('the masking log hides a value even when the output splits it', () => {
  const log = memoryLog();
  const masked = redactingLog(log, [Buffer.from(TOKEN)]);
  masked.output(`token is ${TOKEN.slice(0, 8)}`);
  masked.output(`${TOKEN.slice(8)} ok\nlast`);
  masked.flush();
  assert.equal(log.lines.join(''), 'token is *** ok\nlast');
});

test('the sandbox gets each secret through a pipe at /run/secrets/ID; no value is in its arguments', () => {
  const rootfs = mkdtempSync(join(tmpdir(), 'airlock-empty-rootfs-'));
  const args = bwrapArgs({
    rootfs, binds: [], env: { PATH: '/bin' }, cwd: '/src', network: false,
    secrets: [{ id: 'npm_token', value: Buffer.from(TOKEN), env: 'NPM_TOKEN' }, { id: 'key', value: Buffer.from('k3y-value') }],
  }, 'npm ci');
  rmSync(rootfs, { recursive: true });
  const text = args.join(' ');
  assert.ok(!text.includes(TOKEN) && !text.includes('k3y-value'));
  assert.match(text, /--perms 0400 --file 3 \/run\/secrets\/npm_token --perms 0400 --file 4 \/run\/secrets\/key/);
  assert.equal(args.at(-1), 'export NPM_TOKEN="$(cat /run/secrets/npm_token)"\nnpm ci');
});

test('bad secrets are reported with their position; good ones are normalized with their phases', () => {
  const problems = (text: string) => {
    try {
      parseConfig(text, { file: '/p/airlock.yaml', architecture: 'amd64' });
      return 'none';
    } catch (e: any) {
      return e.problems.map((p: any) => `${p.position.line}:${p.path.join('.')}: ${p.message}`).join('\n');
    }
  };
  const both = problems('name: a\nbase_language: c\nsecrets:\n  - {id: t}\n  - {id: u, env: X, file: f}\n  - {id: u, env: Y}\n');
  assert.match(both, /^4:secrets\.0: .*exactly one source/m);
  assert.match(both, /^5:secrets\.1: .*exactly one source/m);
  assert.match(both, /^6:secrets\.2\.id: secret id `u` is used twice/m);
  assert.match(problems('name: a\nsecrets:\n  - {id: "bad id", env: Y}\n'), /^3:secrets\.0\.id: expected an id/m);
  const ok = parseConfig('name: a\nbase_language: c\nsecrets: [{id: t, file: ../tok, as_env: T, phases: [test, fetch]}]\n',
    { file: '/p/q/airlock.yaml', architecture: 'amd64' }).config;
  assert.deepEqual(ok.secrets, [{ id: 't', source: { file: '/p/tok' }, asEnv: 'T', phases: ['fetch', 'test'] }]);
});
