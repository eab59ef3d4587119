// airlock init on every example: the config it writes is the example's own but for the few settings no project file
// states (listed below, each with its reason), init refuses to overwrite and names what it looked for in a folder it
// cannot place; and every example, built from init's config alone, builds and its prod answers as the example's own
// test expects. Where init's config is the example's, the build plan is the same and the step cache serves it.
import { after, before, describe, test } from 'node:test';
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

/**
 * What an example's config sets that none of its files states, so init leaves it out: a C or C++ compiler pin (no
 * Makefile or CMakeLists.txt names one; the suite's default gcc is the same gcc 12), cpp-service's ca-certificates
 * (shown as a runtime package its code does not need), the published ports (each service takes `--port N`) and
 * node-web's trimmed ICU data (a choice about which languages prod serves).
 * Everything else init finds: version pin files, go.mod, pom.xml, package.json engines, pyproject's dependencies.
 */
const UNSTATED: Record<string, string[]> = {
  'cpp-service': ['version', 'packages', 'runtime.ports'],
  'go-api': ['runtime.ports'],
  'hello-c': ['version'],
  'java-app': ['runtime.ports'],
  'node-web': ['runtime.ports', 'icu'],
  'python-web': ['runtime.ports'],
};

type Check = (value: unknown) => boolean;
/** A prod answer: the fields of its JSON that the example's own test checks (a value, or a check of one). */
type Answer = Record<string, unknown>;

/** How each example's prod is run and what it answers; `selfCheck`: what the HTTP services say to `--self-check`. */
const PROD: Record<string, { args?: string[]; answer: Answer | RegExp; selfCheck?: RegExp }> = {
  'cpp-service': { answer: { service: 'cpp-service', path: '/', tags: ['prod', 'non-root'] } },
  'go-api': {
    answer: { go: ((v) => /^go1\.19\.\d+$/.test(String(v))) satisfies Check, path: '/', service: 'go-api', uid: 65532 },
    selfCheck: /^200 \{"go":"go1\.19\.\d+","path":"\/health","service":"go-api","uid":65532\}/,
  },
  'hello-c': { answer: /^Hello, world, from airlock! \(uid 65532\)\n$/ },
  'java-app': {
    answer: { service: 'java-app', java: '17', trustedCAs: ((n) => Number(n) > 100) satisfies Check },
    selfCheck: /^200 \{"service":"java-app","path":"\/health"/,
  },
  'java-maven': {
    answer: { service: 'java-maven', java: '17', trustedCAs: ((n) => Number(n) > 100) satisfies Check },
    selfCheck: /^200 \{"service":"java-maven","path":"\/health"/,
  },
  'node-web': {
    answer: { service: 'node-web', path: '/', node: '18', uid: 65532, cacheFor: '2m' },
    selfCheck: /^200 \{"service":"node-web","path":"\/health"/,
  },
  'python-pip': {
    answer: {
      greeting: 'hello-from-prod', path: '/', python: '3.11', service: 'python-pip', tinylib: '1.0.0', uid: 65532,
    },
    selfCheck: /^200 \{"from": "\/usr\/local\/lib\/python3\.11\/dist-packages\/tinylib", "greeting": "hello-from-prod"/,
  },
  'python-web': {
    answer: { greeting: 'hello from prod', path: '/', python: '3.11', service: 'python-web', uid: 65532 },
    selfCheck: /^200 \{"greeting": "hello from prod", "path": "\/health"/,
  },
  'rust-cli': { args: ['one two', 'three'], answer: { service: 'rust-cli', counts: [2, 1], total: 3 } },
};

const root = mkdtempSync(join(tmpdir(), 'airlock-init-'));

function comparable(c: Config): Record<string, any> {
  const { file: _f, dir: _d, ...rest } = c;
  return JSON.parse(JSON.stringify(rest));
}

/** The value at a dotted path. */
const at = (o: Record<string, any>, path: string): unknown => path.split('.').reduce((v, k) => v?.[k], o);

/** Copies the fields listed from `from` into `to` (dotted paths). */
function overlay(to: Record<string, any>, from: Record<string, any>, paths: string[]): void {
  for (const p of paths) {
    const keys = p.split('.');
    const parent = (o: Record<string, any>) => keys.slice(0, -1).reduce((v, k) => v[k], o);
    const last = keys.at(-1)!;
    const value = parent(from)[last];
    if (value === undefined) delete parent(to)[last];
    else parent(to)[last] = value;
  }
}

function assertAnswers(stdout: string, answer: Answer | RegExp): void {
  if (answer instanceof RegExp) return assert.match(stdout, answer);
  const got = JSON.parse(stdout) as Record<string, unknown>;
  for (const [key, want] of Object.entries(answer)) {
    if (typeof want === 'function') assert.ok((want as Check)(got[key]), `${key}: ${JSON.stringify(got[key])}`);
    else assert.deepEqual(got[key], want, key);
  }
}

describe('airlock init', { timeout: 120 * 60_000 }, () => {
  /** The example without its config, at ROOT/<name> (init names the image after the folder), and its own config. */
  const trees = new Map<string, { dir: string; own: string; text: string }>();
  before(async () => {
    for (const name of EXAMPLES) {
      const dir = join(root, name);
      cpSync(join(repoRoot, 'examples', name), dir, {
        recursive: true,
        filter: (p) => !p.includes('airlock-out') && !p.endsWith('airlock.lock.json'),
      });
      const own = readFileSync(join(dir, 'airlock.yaml'), 'utf8');
      rmSync(join(dir, 'airlock.yaml'));
      const r = await runCli(['init', dir]);
      assert.equal(r.code, 0, r.stderr);
      trees.set(name, { dir, own, text: readFileSync(join(dir, 'airlock.yaml'), 'utf8') });
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const name of EXAMPLES) {
    test(`${name}: init's config is the example's, but for what no file states; init never overwrites it`, async () => {
      const { dir, own, text } = trees.get(name)!;
      assert.match(
        text.split('\n')[0]!,
        /^# yaml-language-server: \$schema=file:\/\/\/.*\/schema\/airlock\.schema\.json$/,
      );
      const again = await runCli(['init', dir]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /config-exists/);
      assert.equal(readFileSync(join(dir, 'airlock.yaml'), 'utf8'), text, 'left untouched');
      // The example's own config beside init's (paths resolve against the folder), for as long as it is read.
      const theirsFile = join(dir, 'example.yaml');
      writeFileSync(theirsFile, own);
      const arch = { architecture: 'amd64' };
      const mine = comparable((await loadConfig(join(dir, 'airlock.yaml'), arch)).config);
      const loaded = loadConfig(theirsFile, arch).finally(() => rmSync(theirsFile));
      const theirs = comparable((await loaded).config);
      const unstated = UNSTATED[name] ?? [];
      // Each field listed is one init really leaves out (a list that outlived a new detection would hide it).
      for (const p of unstated) assert.notDeepEqual(at(mine, p), at(theirs, p), `${p} is not left out any more`);
      overlay(mine, theirs, unstated);
      assert.deepEqual(mine, theirs);
      // The written text sets only what init detected or proposes; the rest is comments.
      const set = ['name', 'base_language', 'version', 'packages', 'build_flags'];
      assert.deepEqual(Object.keys(parse(text)).filter((k) => !set.includes(k)), []);
    });
  }

  for (const name of EXAMPLES) {
    test(`${name}: built from init's config alone, prod runs and answers`, { timeout: 40 * 60_000 }, async () => {
      const prod = PROD[name];
      assert.ok(prod, `PROD says how ${name}'s prod answers`);
      const out = join(root, `${name}-out`);
      const b = await runCli(['build', '-c', join(trees.get(name)!.dir, 'airlock.yaml'), '--out', out]);
      assert.equal(b.code, 0, b.stderr.slice(-3000));
      const args = prod.args ? { args: prod.args } : {};
      const run = await runImage(join(out, 'oci'), 'latest', { readOnly: true, ...args });
      assert.equal(run.code, 0, run.stderr);
      assertAnswers(run.stdout, prod.answer);
      if (prod.selfCheck) {
        const http = await runImage(join(out, 'oci'), 'latest', { readOnly: true, args: ['--self-check'] });
        assert.equal(http.code, 0, http.stderr);
        assert.match(http.stdout, prod.selfCheck);
      }
      rmSync(out, { recursive: true, force: true });
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
});
