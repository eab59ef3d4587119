// Go: Debian's golang, a static (CGO_ENABLED=0), trimmed, build-id-free binary installed into $AIRLOCK_OUT/usr/bin.
// Prod: that binary, passwd/group and the CA bundle; no libc.
import type { LanguagePack, SourceInfo } from './pack.js';

/** Where Go's module and build caches live inside every step (kept under <airlock cache>/lang/go). */
export const GO_CACHE = '/airlock/cache/go';

/** The module path of a go.mod text (undefined when there is none). */
export function goModule(goMod: string | undefined): string | undefined {
  return goMod ? /^\s*module\s+"?([^\s"]+)"?/m.exec(goMod)?.[1] : undefined;
}

/** True when go.mod requires other modules (a `require` line or block). */
export function goHasRequirements(goMod: string | undefined): boolean {
  return goMod !== undefined && /^\s*require\s*(\(\s*[^)\s]|[^\s(])/m.test(goMod);
}

/** The binary name: the last element of the module path (a major-version suffix like /v2 skipped), else "app". */
export function goBinaryName(src: SourceInfo): string {
  const parts = (goModule(src.topText.get('go.mod')) ?? 'app').split('/');
  const last = parts.pop() ?? 'app';
  const name = /^v\d+$/.test(last) && parts.length ? parts.pop()! : last;
  return name.replace(/[^A-Za-z0-9._-]/g, '-') || 'app';
}

/** The host's module proxy settings that reach fetch steps. */
const GO_NETWORK_ENV = ['GOPROXY', 'GONOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GOSUMDB'];

// The versioned toolchain's bin first (also in the test image, whose PATH is the default one).
const GO_PATH = 'for d in /usr/lib/go-*/bin; do [ -x "$d/go" ] && PATH="$d:$PATH"; done; export PATH; ';

/** The Go pack. */
export const goPack: LanguagePack = {
  id: 'go',
  versionPackage: /^golang-(1\.\d+)-go$/,
  toolchainName: 'go',
  parseVersion(raw) {
    if (raw === undefined || raw === '') return undefined;
    const m = /^(?:go(?:lang)?-?)?v?(1\.\d+)(?:\.\d+)?$/i.exec(String(raw).trim());
    return m ? m[1] : String(raw);
  },
  builderPackages(version) {
    // The versioned package makes a version the suite lacks fail clearly; golang-go puts `go` on the dev shell's PATH.
    return [...new Set([version ? `golang-${version}-go` : 'golang-go', 'golang-go', 'ca-certificates', 'dpkg-dev'])].sort();
  },
  runtimePackages() {
    // The CA bundle (one file made from ca-certificates) so HTTPS clients work; tzdata and others when the config asks.
    return ['ca-certificates'];
  },
  buildEnv(version): Record<string, string> {
    return {
      ...(version ? { PATH: `/usr/lib/go-${version}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` } : {}),
      CGO_ENABLED: '0',
      GOCACHE: `${GO_CACHE}/build`,
      GOPATH: `${GO_CACHE}/path`,
      GOTOOLCHAIN: 'local',
      GOTELEMETRY: 'off',
    };
  },
  defaultSteps(src) {
    const goMod = src.topText.get('go.mod');
    const vendored = src.topDirs.has('vendor');
    const needsFetch = goHasRequirements(goMod) && !vendored;
    // -mod=vendor builds from vendor/ only; otherwise the module cache filled by the fetch step (never the network).
    const mod = vendored ? '-mod=vendor' : '-mod=mod';
    const offline = `GOPROXY=off GOFLAGS=${mod}`;
    const bin = goBinaryName(src);
    return {
      fetch: needsFetch ? [`${GO_PATH}go mod download`] : [],
      steps: [
        `mkdir -p "$AIRLOCK_OUT/usr/bin"`,
        `${GO_PATH}${offline} CGO_ENABLED=0 go build -trimpath -ldflags='-buildid= -s -w' -o "$AIRLOCK_OUT/usr/bin/${bin}" .`,
      ],
      test: [`${GO_PATH}${offline} CGO_ENABLED=0 go test -trimpath ./...`],
    };
  },
  stepCaches() {
    return [{ name: 'go', path: GO_CACHE }];
  },
  hostProbe: { env: GO_NETWORK_ENV },
  networkEnv(host) {
    // The host's module proxy settings, if any (never a hard-coded host).
    const out: Record<string, string> = {};
    for (const k of GO_NETWORK_ENV) if (host.env[k]) out[k] = host.env[k]!;
    return out;
  },
};
