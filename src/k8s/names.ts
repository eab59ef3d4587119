// Kubernetes object and volume names made from airlock names and paths (RFC 1123 labels).

/** `name` as an RFC 1123 label: lowercase alphanumerics and '-', at most `max` characters, never empty. */
export function dnsLabel(name: string, max = 63): string {
  const dashed = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-');
  const label = dashed.slice(0, max).replace(/^-+|-+$/g, '');
  return label || 'app';
}

/** Volume names for absolute paths, unique among themselves: /tmp → tmp, /var/run → var-run. */
export function volumeNames(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const p of paths) {
    const base = dnsLabel(p.replace(/^\/+/, ''), 58);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    out.set(p, name);
  }
  return out;
}
