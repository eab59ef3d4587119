// A cgroup of the bench's own, to end what a stopped dockerd leaves running. dockerd puts every container, BuildKit's
// RUN steps included, below its --cgroup-parent; when dockerd exits during a build, the step's runc dies with it but
// the step's processes live on (reparented to init) and keep writing into the data-root the bench then removes.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** The mount points of the cgroup hierarchies (each v1 controller, and v2), from a /proc/self/mountinfo text. */
export function cgroupMounts(mountinfo: string): string[] {
  return mountinfo.split('\n')
    .map((line) => line.split(' - '))
    .filter(([, source]) => /^cgroup2? /.test(source ?? ''))
    .map(([fields]) => fields!.split(' ')[4]!.replace(/\\040/g, ' '));
}

/** Folder `dir` and every folder below it, deepest first. */
function foldersUnder(dir: string): string[] {
  const subs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return [...subs.flatMap((e) => foldersUnder(join(dir, e.name))), dir];
}

/** The folders of cgroup `name` (a path below the root) in every hierarchy, deepest first. */
function cgroupFolders(name: string): string[] {
  return cgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'))
    .map((m) => join(m, name))
    .filter((d) => existsSync(d))
    .flatMap(foldersUnder);
}

/** The processes in cgroup `name` and below it. */
function processesIn(name: string): number[] {
  const pids = cgroupFolders(name).flatMap((d) => {
    const procs = join(d, 'cgroup.procs');
    return existsSync(procs) ? readFileSync(procs, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  });
  return [...new Set(pids)];
}

/**
 * Kills (SIGKILL) every process in cgroup `name` and below it until none is left (5 s at most), then removes its
 * folders; returns how many processes it killed. A cgroup that does not exist is empty.
 */
export async function killCgroup(name: string): Promise<number> {
  const killed = new Set<number>();
  for (let round = 0; round < 50; round++) {
    const pids = processesIn(name);
    if (!pids.length) break;
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); killed.add(pid); } catch { /* gone already */ }
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  for (const d of cgroupFolders(name)) {
    try { rmdirSync(d); } catch { /* still busy, or removed by dockerd */ }
  }
  return killed.size;
}
