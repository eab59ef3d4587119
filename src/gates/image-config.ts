// Turns an OCI/Docker image config document into the small view the gates use.

/** The loose shape of an OCI or Docker config document (only the fields read here). */
export interface ConfigLike {
  created?: string;
  architecture?: string;
  os?: string;
  config?: { User?: string; Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; WorkingDir?: string; Labels?: Record<string, string> | null } | null;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v] : undefined);

/** Extracts the gate view from a parsed config document; unknown or mistyped fields are ignored. */
export function configView(doc: ConfigLike | undefined): import('./fs-types.js').ImageConfigView {
  const c = doc?.config ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.Labels ?? {})) if (typeof v === 'string') labels[k] = v;
  const entrypoint = strings(c.Entrypoint);
  const cmd = strings(c.Cmd);
  return {
    ...(typeof c.User === 'string' && c.User !== '' ? { user: c.User } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd ? { cmd } : {}),
    env: strings(c.Env) ?? [],
    ...(typeof c.WorkingDir === 'string' && c.WorkingDir !== '' ? { workingDir: c.WorkingDir } : {}),
    ...(typeof doc?.created === 'string' ? { created: doc.created } : {}),
    labels,
    ...(typeof doc?.architecture === 'string' ? { architecture: doc.architecture } : {}),
    ...(typeof doc?.os === 'string' ? { os: doc.os } : {}),
  };
}
