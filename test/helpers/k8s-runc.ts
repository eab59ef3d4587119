// Runs a Deployment's container under runc with exactly the security context its manifest states, and reads back
// from /proc what the kernel enforces on the running process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CAPS = (names: string[]) => names.map((n) => `CAP_${n}`);

/** A runtime-spec edit applying the pod's and container's security context, emptyDir volumes and envFrom data. */
export function applyPodSpec(pod: any, configMaps: Record<string, Record<string, string>>): (spec: any) => void {
  const c = pod.containers[0];
  const sc = { ...pod.securityContext, ...c.securityContext };
  return (spec) => {
    spec.process.user = { uid: sc.runAsUser, gid: sc.runAsGroup, additionalGids: sc.fsGroup === undefined ? [] : [sc.fsGroup] };
    spec.root.readonly = sc.readOnlyRootFilesystem === true;
    spec.process.noNewPrivileges = sc.allowPrivilegeEscalation === false;
    const drop = new Set<string>(sc.capabilities?.drop ?? []);
    const kept = drop.has('ALL') ? [] : spec.process.capabilities.bounding.filter((k: string) => !drop.has(k.slice(4)));
    const caps = [...new Set([...kept, ...CAPS(sc.capabilities?.add ?? [])])];
    spec.process.capabilities = { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] };
    const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (v?.emptyDir) {
        spec.mounts.push({ destination: m.mountPath, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=0777'] });
      } else if (v?.configMap && m.subPath) {
        // A ConfigMap key mounted as one file, as the kubelet does: a read-only bind of a file holding the value.
        const text = configMaps[v.configMap.name]?.[m.subPath];
        if (text === undefined) throw new Error(`ConfigMap ${v.configMap.name} has no key ${m.subPath}`);
        const host = join(mkdtempSync(join(tmpdir(), 'airlock-cm-')), m.subPath);
        writeFileSync(host, text);
        spec.mounts.push({ destination: m.mountPath, type: 'bind', source: host, options: ['bind', 'ro'] });
      } else throw new Error(`volume ${m.name}: this helper mounts emptyDirs and ConfigMap keys (subPath) only`);
    }
    for (const f of c.envFrom ?? []) {
      for (const [k, v] of Object.entries(configMaps[f.configMapRef.name] ?? {})) spec.process.env.push(`${k}=${v}`);
    }
    if (c.command) spec.process.args = [...c.command, ...(c.args ?? [])];
  };
}

/** The host pid of a running runc container. */
export function containerPid(id: string): number {
  const r = spawnSync('runc', ['state', id], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runc state ${id}: ${r.stderr}`);
  return JSON.parse(r.stdout).pid;
}

/** What the kernel says about a process: ids, capabilities, no_new_privs, and its mounts (target → fstype, ro). */
export function processFacts(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (k: string) => (new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '').trim();
  const mounts = new Map<string, { fstype: string; ro: boolean }>();
  for (const line of readFileSync(`/proc/${pid}/mountinfo`, 'utf8').trim().split('\n')) {
    const [pre, post] = line.split(' - ');
    const parts = pre!.split(' ');
    mounts.set(parts[4]!, { fstype: post!.split(' ')[0]!, ro: parts[5]!.split(',').includes('ro') });
  }
  return {
    uid: field('Uid').split(/\s+/).map(Number), gid: field('Gid').split(/\s+/).map(Number), groups: field('Groups'),
    capEff: field('CapEff'), capBnd: field('CapBnd'), capPrm: field('CapPrm'), noNewPrivs: field('NoNewPrivs'), mounts,
  };
}

/** GET http://127.0.0.1:PORT/PATH inside the container's network namespace (node's fetch under nsenter). */
export function httpGetInside(pid: number, port: number, path: string): { status: number; body: string } {
  const script = 'fetch(process.argv[1]).then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })))';
  const url = `http://127.0.0.1:${port}${path}`;
  const r = spawnSync('nsenter', ['-t', String(pid), '-n', process.execPath, '-e', script, url], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`GET ${url} in the container's network: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
