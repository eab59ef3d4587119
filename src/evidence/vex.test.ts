import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseScanReport } from './scan-report.js';
import { vexDocument, vexJson } from './vex.js';
import { prodPackages } from '../../test/fixtures/evidence/input.js';

const trivy = readFileSync(new URL('../../test/fixtures/evidence/trivy-dev.json', import.meta.url), 'utf8');
const grype = readFileSync(new URL('../../test/fixtures/evidence/grype-dev.json', import.meta.url), 'utf8');
const image = { name: '127.0.0.1:5000/demo/app', digest: 'sha256:' + 'ab'.repeat(32) };

for (const [label, text] of [['Trivy', trivy], ['Grype', grype]] as const) {
  test(`${label} report: gcc-12 is not present in prod, libc6 is affected`, () => {
    const { findings } = parseScanReport(text, 'report.json');
    const doc = vexDocument({ findings, image, prodPackages, epoch: 1700000000, distro: 'debian-12' }) as any;
    assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
    assert.equal(doc.timestamp, '2023-11-14T22:13:20Z');
    const byVuln = new Map(doc.statements.map((s: any) => [s.vulnerability.name, s]));
    const gcc: any = byVuln.get('CVE-2023-4039');
    assert.equal(gcc.status, 'not_affected');
    assert.equal(gcc.justification, 'component_not_present');
    const libc: any = byVuln.get('CVE-2024-2961');
    assert.equal(libc.status, 'affected');
    assert.match(libc.action_statement, /2\.36-9\+deb12u7/);
    assert.equal(libc.products[0]['@id'], 'pkg:oci/app@sha256%3A' + 'ab'.repeat(32) + '?repository_url=127.0.0.1:5000/demo/app');
    assert.equal(libc.products[0].subcomponents[0]['@id'], 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12');
    const tz: any = byVuln.get('CVE-2099-0001');
    assert.equal(tz.status, 'under_investigation');
  });
}

test('VEX output is deterministic', () => {
  const { findings } = parseScanReport(trivy, 'r');
  const a = vexJson({ findings, image, prodPackages, epoch: 1, distro: 'debian-12' });
  const b = vexJson({ findings: [...findings].reverse(), image, prodPackages, epoch: 1, distro: 'debian-12' });
  assert.equal(a, b);
});

test('a report that is neither Trivy nor Grype is a usage error', () => {
  assert.throws(() => parseScanReport('{"foo":1}', 'x.json'), /neither a Trivy nor a Grype/);
  assert.throws(() => parseScanReport('nope', 'x.json'), /not valid JSON/);
});
