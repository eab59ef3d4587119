// Platforms: Debian architectures ↔ OCI platforms, the --platform grammar, and matching index entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { debianArchOf, formatPlatform, ociPlatform, parsePlatform, parsePlatformList, platformMatches } from './platform.js';

test('Debian architectures map to OCI platforms (GOARCH names, arm variants)', () => {
  assert.deepEqual(ociPlatform('amd64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(ociPlatform('arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.equal(formatPlatform(ociPlatform('armhf')), 'linux/arm/v7');
  assert.equal(formatPlatform(ociPlatform('i386')), 'linux/386');
  assert.equal(formatPlatform(ociPlatform('ppc64el')), 'linux/ppc64le');
  for (const a of ['amd64', 'arm64', 'armhf', 'armel', 'i386', 'ppc64el', 's390x', 'riscv64']) assert.equal(debianArchOf(ociPlatform(a)), a);
});

test('an index entry without a variant still matches (arm64 images often carry none)', () => {
  assert.ok(platformMatches({ os: 'linux', architecture: 'arm64' }, 'arm64'));
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v9' }, 'arm64'));
  assert.ok(!platformMatches({ os: 'windows', architecture: 'amd64' }, 'amd64'));
  assert.ok(!platformMatches(undefined, 'amd64'));
  assert.equal(debianArchOf({ os: 'linux', architecture: 'arm' }), 'armhf');
});

test('--platform takes OS/ARCH[/VARIANT] or a Debian name, in order, without repeats', () => {
  assert.equal(parsePlatform('linux/arm64'), 'arm64');
  assert.equal(parsePlatform('linux/arm64/v8'), 'arm64');
  assert.equal(parsePlatform('arm64'), 'arm64');
  assert.equal(parsePlatform('linux/arm/v7'), 'armhf');
  assert.equal(parsePlatform('linux/386'), 'i386');
  assert.equal(parsePlatform('linux/ppc64el'), 'ppc64el');
  assert.deepEqual(parsePlatformList('linux/arm64, linux/amd64,linux/arm64'), ['arm64', 'amd64']);
  const bad = (s: string, re: RegExp) => assert.throws(() => parsePlatformList(s), (e: unknown) => e instanceof AirlockError && e.exitCode === 2 && re.test(e.message));
  bad('windows/amd64', /"windows\/amd64" is not a Linux platform/);
  bad('linux/sparc', /unknown platform "linux\/sparc"/);
  bad('linux/amd64/v3', /unknown platform/);
  bad('linux/arm64/v8/x', /not a Linux platform/);
  bad(',', /no platform given/);
});
