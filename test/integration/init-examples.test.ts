// airlock init on every example: the config it writes means what the example's own config means (same normalized
// config once the settings no file states are added: pinned versions, extra packages, ports); init refuses to
// overwrite and names what it looked for; hello-c and python-pip are built from init's config alone and prod runs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { runImage } from '../helpers/oci-runtime.js';

const EXAMPLES = readdirSync(join(repoRoot, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'config-samples')
  .map((d) => d.name)
  .sort();

/** What no project file states: a pinned toolchain, extra Debian packages, published ports. */
const NOT_DETECTABLE = ['version', 'packages', 'devPackages', 'runtime.ports', 'icu'];

const root = mkdtempSync(join(tmpdir(), 'airlock-init-'));

/** The example in ROOT/<name> (named like the example: init names the image after the folder) without its config. */
function exampleWithoutConfig(name: string): { dir: string; own: string } {
  const dir = join(root, name);
  cpSync(join(repoRoot, 'examples', name), dir, {
    recursive: true,
    filter: (p) => !p.includes('airlock-out') && !p.endsWith('airlock.lock.json'),
  });
  const own = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
  rmSync(join(dir, 'airlock.yaml'));
  return { dir, own };
}

function comparable(c: Config): Record<string, unknown> {
  const { file: _f, dir: _d, ...rest } = c;
  return JSON.parse(JSON.stringify(rest));
}

/** Copies the fields listed from `from` into `to` (dotted paths). */
function overlay(to: Record<string, any>, from: Record<string, any>, paths: string[]): void {
  for (const p of paths) {
    const keys = p.split('.');
    let a = to;
    let b = from;
    for (const k of keys.slice(0, -1)) {
      a = a[k];
      b = b[k];
    }
    const last = keys.at(-1)!;
    if (b[last] === undefined) delete a[last];
    else a[last] = b[last];
  }
}

describe('airlock init', { timeout: 20 * 60_000 }, () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const name of EXAMPLES) {
    test(`${name}: init's config means the example's config, but for what no file states`, async () => {
      const { dir, own } = exampleWithoutConfig(name);
      const r = await runCli(['init', dir]);
      assert.equal(r.code, 0, r.stderr);
      const text = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
      assert.match(
        text.split('\n')[0]!,
        /^# yaml-language-server: \$schema=file:\/\/\/.*\/schema\/airlock\.schema\.json$/,
      );
      const again = await runCli(['init', dir]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /config-exists/);
      assert.equal(readFileSync(join(dir, 'airlock.yaml'), 'utf8'), text, 'left untouched');
      writeFileSync(join(dir, 'example.yaml'), own);
      const arch = { architecture: 'amd64' };
      const mine = comparable((await loadConfig(join(dir, 'airlock.yaml'), arch)).config);
      const theirs = comparable((await loadConfig(join(dir, 'example.yaml'), arch)).config);
      rmSync(join(dir, 'example.yaml'));
      // A version init found in a project file is the example's.
      if (mine.version !== undefined) assert.equal(mine.version, theirs.version);
      overlay(mine, theirs, NOT_DETECTABLE);
      assert.deepEqual(mine, theirs);
      // And the written text sets nothing beyond name, language, a stated version and (C/C++) hardening.
      assert.deepEqual(
        Object.keys(parse(text)).filter((k) => !['name', 'base_language', 'version', 'build_flags'].includes(k)),
        [],
      );
    });
  }

  test('an unrecognisable folder lists what init looked for; an unknown --language is named', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README.md'), 'nothing to build\n');
    const r = await runCli(['init', empty]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /project-unrecognized.*looked for package\.json \(node\); go\.mod \(go\).*Makefile/s);
    const l = await runCli(['init', empty, '--language', 'cobol']);
    assert.match(l.stderr, /unknown language 'cobol'/);
    const forced = await runCli(['init', empty, '--language', 'python']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(empty, 'airlock.yaml'), 'utf8'), /detected from --language\nbase_language: python/);
  });

  for (const [name, expect] of [
    ['hello-c', /Hello, world, from airlock! \(uid 65532\)/],
    ['python-pip', /"service": "python-pip", "tinylib": "1.0.0", "uid": 65532/],
  ] as const) {
    test(`${name}: built from init's config alone, prod runs`, async () => {
      const dir = join(root, `${name}-build`, name);
      mkdirSync(join(root, `${name}-build`));
      cpSync(join(repoRoot, 'examples', name), dir, {
        recursive: true,
        filter: (p) => !p.includes('airlock-out') && !p.endsWith('airlock.lock.json'),
      });
      rmSync(join(dir, 'airlock.yaml'));
      assert.equal((await runCli(['init', dir])).code, 0);
      const out = join(root, `${name}-out`);
      const b = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      const run = await runImage(join(out, 'oci'), 'latest', { readOnly: true });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, expect);
    });
  }
});
