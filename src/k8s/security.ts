// The pod and container security contexts of dev and prod (seed 002: prod locked down, dev open for debugging).

/** A numeric user and group. */
export interface Identity {
  uid: number;
  gid: number;
}

/** The prod pod's security context: non-root as `id`, the runtime's default seccomp profile. */
export function prodPodSecurity(id: Identity) {
  return {
    runAsNonRoot: true,
    runAsUser: id.uid,
    runAsGroup: id.gid,
    fsGroup: id.gid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The prod container's security context; NET_BIND_SERVICE only when a port is below 1024. */
export function prodContainerSecurity(id: Identity, ports: number[]) {
  const lowPort = ports.some((p) => p < 1024);
  return {
    runAsNonRoot: true,
    runAsUser: id.uid,
    runAsGroup: id.gid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'], ...(lowPort ? { add: ['NET_BIND_SERVICE'] } : {}) },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** dev's user: the image's `dev` user (1000). */
export const DEV_IDENTITY: Identity = { uid: 1000, gid: 1000 };

/** The dev pod's security context: user dev, files of mounted volumes in its group. */
export function devPodSecurity() {
  return { runAsUser: DEV_IDENTITY.uid, runAsGroup: DEV_IDENTITY.gid, fsGroup: DEV_IDENTITY.gid };
}

/** The dev container's: a writable root, and ptrace for gdb and strace. */
export function devContainerSecurity() {
  return { readOnlyRootFilesystem: false, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_PTRACE'] } };
}
