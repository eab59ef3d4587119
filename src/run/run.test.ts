import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirlockError } from '../errors.js';
import { parsePublish } from './container.js';
import { runtimeSpec } from './spec.js';
import { resolveUser } from './user.js';

const passwd =
  'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n'
  + 'dev:x:1000:1000::/home/dev:/bin/bash\n';
const group = 'root:x:0:\nnonroot:x:65532:\nstaff:x:50:\n';

test("User: numbers, names from the image's own files, the primary group, unknown names refused", () => {
  assert.deepEqual(resolveUser('65532:65532', passwd, group), { uid: 65532, gid: 65532 });
  assert.deepEqual(resolveUser('dev', passwd, group), { uid: 1000, gid: 1000 });
  assert.deepEqual(resolveUser('dev:staff', passwd, group), { uid: 1000, gid: 50 });
  assert.deepEqual(resolveUser(undefined, passwd, group), { uid: 0, gid: 0 });
  assert.deepEqual(resolveUser('4242', passwd, group), { uid: 4242, gid: 4242 });
  assert.throws(
    () => resolveUser('mallory', passwd, group),
    (e: unknown) => e instanceof AirlockError && e.code === 'unknown-user',
  );
});

test('ports: PORT, HOST:PORT and /tcp; anything else is a usage error', () => {
  assert.deepEqual(parsePublish('8080'), { host: 8080, container: 8080 });
  assert.deepEqual(parsePublish('18080:8080/tcp'), { host: 18080, container: 8080 });
  for (const bad of ['0', '70000', 'http', '1:2:3', '53/udp'])
    assert.throws(() => parsePublish(bad), /not a port to publish/);
});

test('the spec: read-only root, no capabilities, no new privileges, tmpfs /tmp, own network namespace', () => {
  const spec = runtimeSpec({
    rootfs: '/cache/run/x/rootfs',
    args: ['/usr/bin/hello'],
    env: ['A=1'],
    cwd: '/',
    user: { uid: 65532, gid: 65532 },
    terminal: false,
    readOnlyRoot: true,
    tmpfs: [{ path: '/home/dev', owner: { uid: 7, gid: 8 } }],
    binds: [{ source: '/w', destination: '/src', readOnly: false }],
    hostname: 'h',
  }) as any;
  assert.deepEqual(spec.root, { path: '/cache/run/x/rootfs', readonly: true });
  assert.deepEqual(spec.process.capabilities, { bounding: [], effective: [], permitted: [], ambient: [] });
  assert.equal(spec.process.noNewPrivileges, true);
  assert.deepEqual(spec.process.user, { uid: 65532, gid: 65532 });
  assert.equal(spec.process.env[0], 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  const tmp = spec.mounts.find((m: any) => m.destination === '/tmp');
  assert.equal(tmp.type, 'tmpfs');
  assert.ok(spec.mounts.find((m: any) => m.destination === '/home/dev').options.includes('uid=7'));
  assert.deepEqual(spec.mounts.find((m: any) => m.destination === '/src').options, ['rbind', 'rw']);
  assert.ok(spec.linux.namespaces.some((n: any) => n.type === 'network'));
});
