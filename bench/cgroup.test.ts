import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupMounts } from './cgroup.js';

test('cgroupMounts lists the v1 controllers and the v2 hierarchy, nothing else', () => {
  const mountinfo = [
    '25 30 0:23 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs rw,mode=755',
    '26 25 0:24 / /sys/fs/cgroup/cpu rw,relatime shared:7 - cgroup cgroup rw,cpu',
    '27 25 0:25 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
    '28 25 0:26 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    '29 30 0:27 / /tmp/a\\040b rw - cgroup2 none rw',
    '30 1 8:1 / / rw,relatime - ext4 /dev/vda rw',
    '',
  ].join('\n');
  assert.deepEqual(cgroupMounts(mountinfo),
    ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/pids', '/sys/fs/cgroup/unified', '/tmp/a b']);
});
