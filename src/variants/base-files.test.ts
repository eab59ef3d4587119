// prod's base files are what glibc reads for user and host lookups: since 2.34 its files NSS module is in libc.so.6
// (libnss_files.so.2 is an empty stub), so these files, never sliced, are what getpwuid and getaddrinfo need
// (test/integration/sliced-prod-probes.test.ts runs both in a real prod, with and without them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NONROOT, prodBaseEntries } from './base-files.js';

async function text(path: string): Promise<string> {
  const e = prodBaseEntries().find((x) => x.path === path);
  assert.ok(e?.open, `${path} is a prod base file`);
  const chunks: Uint8Array[] = [];
  for await (const c of e.open()) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

test('nsswitch.conf looks users, groups and hosts up in files (hosts: then DNS), both built into glibc', async () => {
  const sources = new Map((await text('etc/nsswitch.conf')).trim().split('\n').map((l) => {
    const [db, ...rest] = l.split(/:?\s+/);
    return [db!, rest] as const;
  }));
  assert.deepEqual(sources.get('passwd'), ['files']);
  assert.deepEqual(sources.get('group'), ['files']);
  assert.deepEqual(sources.get('hosts'), ['files', 'dns']);
});

test('/etc/hosts answers localhost on both loopbacks; passwd and group name nonroot, whose home prod has', async () => {
  const hosts = (await text('etc/hosts')).split('\n').map((l) => l.split(/\s+/));
  assert.ok(hosts.some(([addr, ...names]) => addr === '127.0.0.1' && names.includes('localhost')));
  assert.ok(hosts.some(([addr, ...names]) => addr === '::1' && names.includes('localhost')));
  const nonroot = (await text('etc/passwd')).split('\n').find((l) => l.startsWith('nonroot:'))?.split(':');
  assert.deepEqual(nonroot?.slice(2, 4), [String(NONROOT), String(NONROOT)]);
  assert.ok((await text('etc/group')).split('\n').some((l) => l === `nonroot:x:${NONROOT}:`));
  const home = prodBaseEntries().find((e) => e.path === nonroot?.[5]?.slice(1));
  assert.equal(home?.type, 'dir');
  assert.equal(home?.uid, NONROOT);
});
