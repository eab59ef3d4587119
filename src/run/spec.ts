// The OCI runtime spec (config.json) of a run: what prod's manifests ask for, as a pure function of the image's
// settings and the run's options. Read-only root, no capabilities, no new privileges, tmpfs /tmp, own namespaces.
import type { RunUser } from './user.js';

export interface BindMount {
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface SpecInput {
  /** Absolute path of the unpacked root file system. */
  rootfs: string;
  args: string[];
  env: string[];
  cwd: string;
  user: RunUser;
  terminal: boolean;
  readOnlyRoot: boolean;
  /** Extra writable tmpfs mounts besides /tmp (e.g. the dev user's home), owned by `owner` when given. */
  tmpfs: { path: string; owner?: RunUser }[];
  binds: BindMount[];
  hostname: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const tmpfs = (destination: string, mode = '1777', owner?: RunUser) => ({
  destination,
  type: 'tmpfs',
  source: 'tmpfs',
  options: [
    'nosuid',
    'nodev',
    `mode=${mode}`,
    'size=268435456',
    ...(owner ? [`uid=${owner.uid}`, `gid=${owner.gid}`] : []),
  ],
});

/** config.json for runc. */
export function runtimeSpec(i: SpecInput): Record<string, unknown> {
  const env = i.env.some((e) => e.startsWith('PATH=')) ? i.env : [DEFAULT_PATH, ...i.env];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: i.terminal,
      user: { uid: i.user.uid, gid: i.user.gid },
      args: i.args,
      env: i.terminal && !env.some((e) => e.startsWith('TERM=')) ? [...env, 'TERM=xterm'] : env,
      cwd: i.cwd,
      capabilities: { bounding: [], effective: [], permitted: [], ambient: [] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: i.rootfs, readonly: i.readOnlyRoot },
    hostname: i.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      tmpfs('/tmp'),
      ...i.tmpfs.map((t) => tmpfs(t.path, '0755', t.owner)),
      ...i.binds.map((b) => ({
        destination: b.destination,
        type: 'bind',
        source: b.source,
        options: ['rbind', b.readOnly ? 'ro' : 'rw'],
      })),
    ],
    linux: {
      namespaces: ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup'].map((type) => ({ type })),
      maskedPaths: [
        '/proc/acpi',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/proc/scsi',
        '/sys/firmware',
      ],
      readonlyPaths: ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}
