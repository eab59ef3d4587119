import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provenanceJson, provenanceStatement } from './provenance.js';
import { sampleInput } from '../../test/fixtures/evidence/input.js';

test('provenance is an in-toto v1 statement with SLSA v1 fields', () => {
  const st = provenanceStatement(sampleInput()) as any;
  assert.equal(st._type, 'https://in-toto.io/Statement/v1');
  assert.deepEqual(st.subject, [{ name: '127.0.0.1:5000/demo/app', digest: { sha256: 'ab'.repeat(32) } }]);
  assert.equal(st.predicateType, 'https://slsa.dev/provenance/v1');
  const bd = st.predicate.buildDefinition;
  assert.equal(bd.buildType, 'https://airlock.dev/build/v1');
  assert.deepEqual(bd.externalParameters.source, { digest: { sha256: '01'.repeat(32) } });
  assert.equal(bd.externalParameters.config.name, 'demo/app');
  const uris = bd.resolvedDependencies.map((d: any) => d.uri ?? d.name);
  assert.ok(uris.includes('pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12'));
  assert.ok(uris.includes('pkg:deb/debian/gcc-12@12.2.0-14?arch=amd64&distro=debian-12'));
  assert.ok(uris.includes('builder-rootfs') && uris.includes('source'));
  const image = bd.resolvedDependencies.filter((d: any) => d.annotations['dev.airlock.role'] === 'image');
  assert.equal(image.length, 3);
  const md = st.predicate.runDetails.metadata;
  assert.equal(md.startedOn, '2023-11-14T22:13:20Z');
  assert.equal(md.finishedOn, '2023-11-14T22:13:20Z');
  assert.match(md.invocationId, /^urn:uuid:/);
  assert.deepEqual(st.predicate.runDetails.builder.version, { airlock: '0.1.0' });
});

test('provenance bytes are reproducible and independent of config key order', () => {
  const a = provenanceJson(sampleInput({ config: { a: 1, b: { c: 2, d: 3 } } }));
  const b = provenanceJson(sampleInput({ config: { b: { d: 3, c: 2 }, a: 1 } }));
  assert.equal(a, b);
  assert.notEqual(a, provenanceJson(sampleInput({ sourceDigest: 'sha256:' + '03'.repeat(32) })));
});
