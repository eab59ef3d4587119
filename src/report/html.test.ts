import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { esc, fig } from './html-parts.js';
import { renderPlatformsHtml, renderReportHtml } from './html.js';
import type { ReportPage } from './html-model.js';
import type { BuildReport, VariantReport } from './report.js';

const variant = (over: Partial<VariantReport> = {}): VariantReport => ({
  ref: 'x:1-prod',
  digest: 'sha256:aa',
  compressedSize: 1000,
  uncompressedSize: 3000,
  files: 5,
  user: '65532:65532',
  packages: 2,
  shells: [],
  compilers: [],
  packageManagers: [],
  buildSeconds: 1.5,
  gates: { passed: true, findings: [] },
  ...over,
});

function page(name = 'x'): ReportPage {
  const report: BuildReport = {
    name,
    tag: '1',
    epoch: { seconds: 1700000000, from: 'SOURCE_DATE_EPOCH' },
    variants: { dev: variant({ ref: 'x:1-dev' }), prod: variant(), test: variant({ ref: 'x:1-test' }) },
    aliases: {},
    reduction: 0.5,
    artifacts: [{ path: 'usr/bin/<b>', sha256: 'ab', size: 3 }],
    closurePackages: ['libc6'],
    outputs: { oci: 'oci', archives: { dev: 'd.tar', prod: 'p.tar', test: 't.tar' } },
    warnings: ['<script>alert(1)</script>'],
    steps: [
      { id: 'build.steps[0]', cached: true, seconds: 0.1 },
      { id: 'build.steps[1]', cached: false, seconds: 2 },
    ],
    stages: { plan: 1, steps: 2 },
  };
  return {
    report,
    evidence: {
      prod: {
        signature: 'none',
        sbom: { format: 'SPDX-2.3', packages: 2, licenses: [{ name: 'GPL & <x>', count: 2 }] },
      },
    },
  };
}

test('escaping: text and attributes cannot open a tag or end an attribute', () => {
  assert.equal(esc(`<a href="x">'&`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  assert.equal(
    fig('a.b', '"x"', '<y>'),
    '<span class="fig" data-figure="a.b" data-value="&quot;x&quot;">&lt;y&gt;</span>',
  );
});

test('the page: a CSP allowing only its own style, no scripts, hostile names escaped, deterministic', () => {
  const html = renderReportHtml(page('x<script>'));
  assert.match(
    html,
    new RegExp('<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; '
      + "style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;"),
  );
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /GPL &amp; &lt;x&gt; \(2\)/);
  assert.match(html, /data-derived="cached-steps">1</);
  assert.equal(html, renderReportHtml(page('x<script>')));
  // The style's hash in the CSP is the hash of the style the page holds (else chromium would drop it).
  const style = html.match(/<style>([\s\S]*?)<\/style>/)![1]!;
  const hash = html.match(/sha256-([A-Za-z0-9+/=]+)/)![1];
  assert.equal(hash, createHash('sha256').update(style).digest('base64'));
});

test('the Slicing section: each figure is report.json\'s, biggest cut first; absent when prod was not sliced', () => {
  assert.doesNotMatch(renderReportHtml(page()), /Slicing|slicing\./);
  const p = page();
  const pkg = (name: string, whole: boolean, removedFiles: number, removedBytes: number) => ({
    name, whole, keptFiles: 4, keptBytes: 2_000_000, removedFiles, removedBytes,
  });
  p.report.slicing = {
    removedFiles: 812, removedBytes: 9_512_000,
    rules: [{ rule: 'gconv modules (iconv)', paths: 3 }, { rule: 'NSS modules <lookups>', paths: 6 }],
    packages: [pkg('curl', true, 0, 0), pkg('libc6', false, 800, 9_500_000), pkg('libgcc-s1', false, 12, 12_000)],
  };
  const html = renderReportHtml(p);
  assert.match(html, /<h2>Slicing<\/h2>/);
  const figures = [...html.matchAll(/data-figure="(slicing\.[^"]+)" data-value="([^"]*)"/g)];
  const lookup = (path: string) => path.split('.').reduce<any>((o, k) => o[k], p.report);
  for (const [, path, value] of figures) {
    const want = path!.endsWith('.length') ? lookup(path!.slice(0, -7)).length : lookup(path!);
    assert.equal(value!.replace(/&lt;/g, '<').replace(/&gt;/g, '>'), String(want), path);
  }
  const shown = new Set(figures.map((f) => f[1]));
  for (const k of ['removedFiles', 'removedBytes', 'packages.length', 'rules.1.rule', 'rules.1.paths']) {
    assert.ok(shown.has(`slicing.${k}`), k);
  }
  for (const i of [0, 1, 2]) {
    for (const k of ['keptFiles', 'keptBytes', 'removedFiles', 'removedBytes']) {
      assert.ok(shown.has(`slicing.packages.${i}.${k}`), `${i}.${k}`);
    }
  }
  assert.match(html, /data-derived="sliced-packages">2</);
  assert.ok(html.indexOf('data-value="libc6"') < html.indexOf('data-value="libgcc-s1"'), 'biggest cut first');
  assert.ok(html.indexOf('data-value="libgcc-s1"') < html.indexOf('data-value="curl"'));
  assert.match(html, /whole \(declared\)/);
  assert.match(html, />9\.5 MB</);
  assert.doesNotMatch(html, /<lookups>/, 'rule names are escaped');
});

test('a multi-platform page: index digests and each platform linked to its own page, figures from report.json', () => {
  const r = page().report;
  const html = renderPlatformsHtml({
    name: 'x', tag: '1', indexes: { dev: 'sha256:d', prod: 'sha256:p', test: 'sha256:t' },
    platforms: [{ platform: 'linux/amd64', folder: 'platforms/amd64', report: r }, { platform: 'linux/arm64/v8', folder: 'platforms/arm64', report: r }],
  });
  assert.match(html, /data-figure="indexes\.prod" data-value="sha256:p"/);
  assert.match(html, /<a href="platforms\/arm64\/report\.html">linux\/arm64\/v8<\/a>/);
  assert.match(html, /data-figure="platforms\.1\.report\.variants\.prod\.compressedSize" data-value="1000"/);
  assert.doesNotMatch(html, /<script|src=|https?:/);
  assert.match(html, /default-src &#39;none&#39;/);
});

test('a build for another architecture says how its steps ran; a native one says nothing', () => {
  assert.doesNotMatch(renderReportHtml(page()), /Build steps:/);
  const p = page();
  p.report.execution = { mode: 'cross', host: 'amd64', why: 'Go cross-compiles on the amd64 builder (GOARCH=arm64 CGO_ENABLED=0)' };
  const html = renderReportHtml(p);
  assert.match(html, /Build steps: <span[^>]*data-figure="execution\.mode" data-value="cross"[^>]*>cross<\/span> on this amd64 host: Go cross-compiles on the amd64 builder \(GOARCH=arm64 CGO_ENABLED=0\)/);
});
