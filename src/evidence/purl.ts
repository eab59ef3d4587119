// Package URLs for Debian packages, npm packages and OCI images (purl-spec deb, npm and oci types).

function encodeVersion(v: string): string {
  // purl: percent-encode everything but unreserved characters; the Debian epoch ':' stays readable.
  return encodeURIComponent(v).replace(/%3A/gi, ':');
}

function encodeQualifier(v: string): string {
  return encodeURIComponent(v).replace(/%2F/gi, '/').replace(/%3A/gi, ':');
}

/** `pkg:deb/debian/NAME@VERSION?arch=ARCH&distro=DISTRO` with `+` as %2B and qualifiers sorted. */
export function debPurl(p: { name: string; version: string; architecture: string }, distro: string): string {
  const q = [['arch', p.architecture], ['distro', distro]].filter(([, v]) => v).map(([k, v]) => `${k}=${encodeQualifier(v!)}`);
  return `pkg:deb/debian/${encodeURIComponent(p.name.toLowerCase())}@${encodeVersion(p.version)}${q.length ? '?' + q.join('&') : ''}`;
}

/** `pkg:npm/[%40SCOPE/]NAME@VERSION`, the name lowercased as purl-spec asks for npm. */
export function npmPurl(p: { name: string; version: string }): string {
  const path = p.name.toLowerCase().split('/').map(encodeURIComponent).join('/');
  return `pkg:npm/${path}@${encodeVersion(p.version)}`;
}

/** `pkg:oci/NAME@sha256%3AHEX[?repository_url=REPO]` for an image repository and manifest digest. */
export function ociPurl(repository: string, digest: string): string {
  const name = (repository.split('/').pop() ?? repository).replace(/[:@].*$/, '').toLowerCase();
  const base = `pkg:oci/${encodeURIComponent(name)}@${encodeURIComponent(digest)}`;
  return repository.includes('/') ? `${base}?repository_url=${encodeQualifier(repository)}` : base;
}

/** Parses the name/version/arch of a `pkg:deb/...` purl (undefined for other purls). */
export function parseDebPurl(purl: string): { name: string; version: string; architecture?: string } | undefined {
  const m = /^pkg:deb\/[^/]+\/([^@?#]+)@([^?#]+)(?:\?([^#]*))?/.exec(purl);
  if (!m) return undefined;
  const arch = new URLSearchParams(m[3] ?? '').get('arch') ?? undefined;
  return { name: decodeURIComponent(m[1]!), version: decodeURIComponent(m[2]!), ...(arch ? { architecture: arch } : {}) };
}
