// report.html in headless chromium (figures equal report.json, no console errors, no request leaves the file) and
// `airlock why` / `airlock report` on one build of examples/hello-c.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { copyExample, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { loadPage, screenshot } from '../helpers/chromium.js';

/** Where this test keeps its screenshot (ignored by git). */
const SHOTS = join(repoRoot, '.airlock-test', 'report-html');

function lookup(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) cur = (cur as Record<string, unknown>)[k];
  return cur;
}

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('report.html and airlock why on examples/hello-c', { timeout: 20 * 60_000 }, () => {
  let dir = '';
  const outs = mkdtempSync(join(tmpdir(), 'airlock-report-'));
  const out = join(outs, 'out');
  let build: CliResult;
  let report: any;

  before(async () => {
    dir = await copyExample('hello-c');
    build = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', out]);
    if (build.code === 0) report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(outs, { recursive: true, force: true });
  });

  test('the figures on the page equal report.json, in chromium', async () => {
    assert.equal(build.code, 0, build.stderr.slice(-3000));
    const page = await loadPage(pathToFileURL(join(out, 'report.html')).href);
    const figures = [...page.dom.matchAll(/data-figure="([^"]+)" data-value="([^"]*)">([^<]*)</g)];
    const seen = new Set<string>();
    for (const [, path, value] of figures) {
      const want = path!.endsWith('.length')
        ? (lookup(report, path!.slice(0, -7)) as unknown[]).length
        : lookup(report, path!);
      assert.equal(unescape(value!), String(want), `${path} on the page`);
      seen.add(path!);
    }
    for (const v of ['dev', 'prod', 'test']) {
      for (const k of [
        'digest',
        'compressedSize',
        'uncompressedSize',
        'files',
        'packages',
        'user',
        'buildSeconds',
        'gates.findings.length',
      ]) {
        assert.ok(seen.has(`variants.${v}.${k}`), `the page shows variants.${v}.${k}`);
      }
    }
    assert.ok(seen.has('reduction') && seen.has('steps.length') && seen.has('artifacts.0.path'));
    // hello-c's prod is sliced: the Slicing section shows report.json's totals and every package's figures.
    assert.ok(report.slicing, 'hello-c is sliced by default');
    for (const k of ['removedFiles', 'removedBytes', 'packages.length']) assert.ok(seen.has(`slicing.${k}`), k);
    report.slicing.packages.forEach((_: unknown, i: number) => {
      for (const k of ['name', 'keptFiles', 'keptBytes', 'removedFiles', 'removedBytes']) {
        assert.ok(seen.has(`slicing.packages.${i}.${k}`), `slicing.packages.${i}.${k}`);
      }
    });
    report.slicing.rules.forEach((_: unknown, i: number) => assert.ok(seen.has(`slicing.rules.${i}.paths`)));
    const sliced = page.dom.match(/data-derived="sliced-packages">(\d+)</);
    assert.equal(Number(sliced?.[1]), report.slicing.packages.filter((p: any) => p.removedFiles > 0).length);
    // Shown as text too: the exact file counts and the artifact.
    assert.match(page.dom, new RegExp(`>${report.variants.prod.files}<`));
    assert.match(page.dom, /\/usr\/bin\/hello/);
    assert.match(page.dom, /What stayed behind in dev/);
    assert.match(page.dom, /libc6/, 'prod makeup names its package');
    const cached = page.dom.match(/data-derived="cached-steps">(\d+)</);
    assert.equal(Number(cached?.[1]), report.steps.filter((s: any) => s.cached).length);
  });

  test('no console errors and no request leaves the file; the detector sees both on a page that has them', async () => {
    const page = await loadPage(pathToFileURL(join(out, 'report.html')).href);
    assert.deepEqual(page.console, []);
    assert.deepEqual(page.pageRequests, []);
    // Nothing in the page could fetch a local file either (those are not in chromium's net log).
    assert.doesNotMatch(
      page.dom,
      /<(script|link|iframe|object|embed|img|audio|video|source)\b|\s(src|href|srcset|poster|action)=|url\(/i,
    );
    // The control: the same page with an image from 127.0.0.1 and a console.error, with and without our CSP.
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const hostile = '<img src="http://127.0.0.1:9/leak.png"><script>console.error("boom")</script>';
    const withCsp = join(outs, 'hostile-csp.html');
    const withoutCsp = join(outs, 'hostile.html');
    writeFileSync(withCsp, html.replace('</body>', `${hostile}</body>`));
    writeFileSync(
      withoutCsp,
      html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${hostile}</body>`),
    );
    const blocked = await loadPage(pathToFileURL(withCsp).href);
    assert.deepEqual(blocked.pageRequests, [], 'the CSP blocks the request');
    assert.ok(
      blocked.console.some((l) => /Content Security Policy|Refused/.test(l)),
      blocked.console.join('\n'),
    );
    const open = await loadPage(pathToFileURL(withoutCsp).href);
    assert.deepEqual(open.pageRequests, ['http://127.0.0.1:9/leak.png']);
    assert.ok(
      open.console.some((l) => l.includes('boom')),
      open.console.join('\n'),
    );
  });

  test('a screenshot is kept among the test outputs', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const png = join(SHOTS, 'hello-c-report.png');
    await screenshot(pathToFileURL(join(out, 'report.html')).href, png);
    assert.ok(statSync(png).size > 10_000);
    assert.deepEqual([...readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  test('airlock report renders the same bytes again, and writes elsewhere with --html', async () => {
    const before = readFileSync(join(out, 'report.html'));
    const again = await runCli(['report', out]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\(unchanged\)/);
    const copy = join(outs, 'copy.html');
    const other = await runCli(['report', out, '--html', copy]);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(readFileSync(copy), before);
    const none = await runCli(['report', join(outs, 'nothing')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no-report/);
  });

  test('the build summary and airlock diff say what slicing left out', async () => {
    const { removedFiles, packages } = report.slicing;
    const cut = packages.filter((p: any) => p.removedFiles > 0).length;
    const summary = `slicing: ${removedFiles} files \\([0-9.]+ [KMG]?B\\) left out of ${cut} of prod's`;
    assert.match(build.stdout, new RegExp(summary));
    const oci = `oci:${join(out, 'oci')}`;
    const diff = await runCli(['diff', `${oci}:latest-dev`, `${oci}:latest-prod`, '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    const d = JSON.parse(diff.stdout);
    const why = JSON.parse(readFileSync(join(out, 'why.json'), 'utf8'));
    // Every file prod lacks that its slicing left out is labelled with its package, and each such path is absent.
    const labelled = d.files.removed.filter((f: any) => f.sliced);
    assert.ok(labelled.length > 0, 'dev holds the whole of libc6, prod a slice of it');
    for (const f of labelled) {
      assert.equal(f.sliced.package, why.slicing.removed[f.path][0], f.path);
      assert.equal(f.sliced.reason, why.slicing.reasons[why.slicing.removed[f.path][1]], f.path);
      assert.ok(!(f.path in why.files.prod), `${f.path} is not in prod`);
    }
    assert.ok(labelled.some((f: any) => f.sliced.package === 'libc6'));
    const gcc = d.files.removed.find((f: any) => f.path === 'usr/bin/gcc-12');
    assert.ok(gcc && !gcc.sliced, 'a builder file is not one slicing left out');
    const prodArchive = `docker-archive:${join(out, 'hello-c-prod.tar')}`;
    const text = await runCli(['diff', `${oci}:latest-dev`, prodArchive, '--files-limit', '100000']);
    assert.match(text.stdout, /\(sliced out of libc6 \[\d+\]\)/);
    assert.match(text.stdout, /of the removed are ones .*'s slicing left out of its Debian packages:\n {2}libc6: /);
  });

  test('why.json is the same bytes on a rebuild into another folder', async () => {
    const again = await runCli(['build', '-c', join(dir, 'airlock.yaml'), '--out', join(outs, 'out2')]);
    assert.equal(again.code, 0, again.stderr.slice(-3000));
    assert.deepEqual(readFileSync(join(outs, 'out2', 'why.json')), readFileSync(join(out, 'why.json')));
  });

  test('airlock why: artifact, NEEDED chain, dependency, stayed in dev, not anywhere, bad variant', async () => {
    const why = (...a: string[]) => runCli(['why', ...a, '--out', out]);
    const art = await why('/usr/bin/hello');
    assert.equal(art.code, 0, art.stderr);
    assert.match(art.stdout, /declared artifact \(from \$AIRLOCK_OUT\/usr\/bin\/hello\)/);
    const libc = await why('/lib/x86_64-linux-gnu/libc.so.6');
    assert.match(libc.stdout, /file of Debian package libc6/);
    assert.match(libc.stdout, /finds libc\.so\.6, NEEDED by \/usr\/bin\/hello/);
    const gcc = await why('/usr/lib/x86_64-linux-gnu/libgcc_s.so.1');
    assert.match(gcc.stdout, /libgcc-s1 is in prod as a dependency of libc6/);
    // hello-c calls none of the functions that load libgcc_s at run time: slicing left it out, and says so.
    assert.match(gcc.stdout, /is not in hello-c:latest-prod\nslicing left it out of Debian package libgcc-s1: the rule for libgcc_s/);
    assert.match(gcc.stdout, /variants\.prod\.keep: \["\/usr\/lib\/x86_64-linux-gnu\/libgcc_s\.so\.1"\]/);
    const gconv = await why('/usr/lib/x86_64-linux-gnu/gconv/ISO8859-1.so');
    assert.match(gconv.stdout, /slicing left it out of Debian package libc6: the rule for gconv modules \(iconv\) did not apply: no kept program calls iconv_open/);
    const loader = await why('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
    assert.equal(loader.code, 0, loader.stderr);
    const cc = await why('/usr/bin/gcc-12');
    assert.equal(cc.code, 2);
    assert.match(cc.stdout, /is not in hello-c:latest-prod\nit is in dev \(it stayed behind\)/);
    assert.match(cc.stdout, /gcc-12 is in the builder \(dev and test\) because it is requested/);
    const dev = await why('/usr/bin/gcc-12', '--variant', 'dev', '--json');
    assert.equal(JSON.parse(dev.stdout).found, true);
    const nowhere = await why('/no/such/file');
    assert.match(nowhere.stdout, /not in dev either/);
    const bad = await why('/usr/bin/hello', '--variant', 'staging');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown-variant/);
    // By image: the layout tag and the docker-archive find their variant by digest.
    const img = await runCli(['why', '/usr/bin/gcc-12', '--image', `oci:${join(out, 'oci')}:latest-dev`]);
    assert.equal(img.code, 0, img.stderr);
    assert.match(img.stdout, /in hello-c:latest-dev/);
    const arch = await runCli(['why', '/usr/bin/hello', '--image', `docker-archive:${join(out, 'hello-c-test.tar')}`]);
    assert.match(arch.stdout, /in hello-c:latest-test:\n {2}\/usr\/bin\/hello \(\d+ bytes\) is installed by the build/);
    // An image whose outputs are gone: says where the trace lives.
    const lone = join(outs, 'lone');
    mkdirSync(lone);
    copyFileSync(join(out, 'hello-c-prod.tar'), join(lone, 'p.tar'));
    const orphan = await runCli([
      'why',
      '/usr/bin/hello',
      '--image',
      `docker-archive:${join(lone, 'p.tar')}`,
      '-c',
      join(lone, 'airlock.yaml'),
    ]);
    assert.equal(orphan.code, 2);
    assert.match(orphan.stderr, /no-trace/);
  });
});
