// Go: Debian's golang, a static (CGO_ENABLED=0), trimmed, build-id-free binary installed into $AIRLOCK_OUT/usr/bin.
// Prod: that binary, passwd/group and the CA bundle; no libc.
import { entrypointAmbiguous, type LanguagePack, type SourceInfo } from './pack.js';

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

/** Go files of a folder listing that are built into its package (not tests). */
const goFiles = (entries: readonly string[] | undefined) =>
  (entries ?? []).filter((n) => /^[^/]+(?<!_test)\.go$/.test(n));

/** True when one of the texts is a `package main` file. */
const isMain = (texts: (string | undefined)[]) => texts.some((t) => t !== undefined && /^\s*package\s+main\b/m.test(t));

/** The folders below cmd/ holding a main package: cmd/<name>/*.go, one binary each, named after the folder. */
export function goCommands(src: SourceInfo): string[] {
  const cmd = (src.dirs?.get('cmd') ?? []).filter((n) => n.endsWith('/')).map((n) => n.slice(0, -1));
  const texts = (name: string) => goFiles(src.dirs?.get(`cmd/${name}`)).map((f) => src.texts?.get(`cmd/${name}/${f}`));
  return cmd.filter((name) => isMain(texts(name)));
}

/**
 * Whether the module's root folder is a main package: its Go files say `package main`. Unknown (true) when the texts
 * were not read, as before the cmd/ layout was known; false when the root has Go files of a library package only.
 */
export function goRootIsMain(src: SourceInfo): boolean {
  const files = goFiles([...src.topFiles]);
  if (files.length === 0) return goCommands(src).length === 0;
  const texts = files.map((f) => src.texts?.get(f));
  return texts.some((t) => t === undefined) || isMain(texts);
}

/** The binaries a build installs into /usr/bin: the root's (named like the module) and one per cmd/<name>. */
export function goBinaries(src: SourceInfo): string[] {
  return [...new Set([...(goRootIsMain(src) ? [goBinaryName(src)] : []), ...goCommands(src)])];
}

/** The host's module proxy settings that reach fetch steps. */
const GO_NETWORK_ENV = ['GOPROXY', 'GONOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GOSUMDB'];

// The versioned toolchain's bin first (also in the test image, whose PATH is the default one).
const GO_PATH = 'for d in /usr/lib/go-*/bin; do [ -x "$d/go" ] && PATH="$d:$PATH"; done; export PATH; ';

/** Go's GOARCH (and GOARM) of each Debian architecture Go can target. */
const GOARCH: Record<string, Record<string, string>> = {
  amd64: { GOARCH: 'amd64' }, arm64: { GOARCH: 'arm64' }, armhf: { GOARCH: 'arm', GOARM: '7' }, armel: { GOARCH: 'arm', GOARM: '5' },
  i386: { GOARCH: '386' }, ppc64el: { GOARCH: 'ppc64le' }, s390x: { GOARCH: 's390x' }, riscv64: { GOARCH: 'riscv64' },
  mips64el: { GOARCH: 'mips64le' }, mipsel: { GOARCH: 'mipsle' },
};

/** A step that turns cgo on (`CGO_ENABLED=1`, as a variable or through `go env -w`). */
const CGO_ON = /\bCGO_ENABLED=1\b/;

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
  sourceProbe(src) {
    // cmd/ and each folder in it; the Go files of the root and of those folders, for their package clause.
    const top = goFiles([...src.topFiles]);
    if (!src.topDirs.has('cmd')) return { files: top };
    const cmds = (src.dirs?.get('cmd') ?? []).filter((n) => n.endsWith('/')).map((n) => `cmd/${n.slice(0, -1)}`);
    const files = cmds.flatMap((d) => goFiles(src.dirs?.get(d)).map((f) => `${d}/${f}`));
    return { dirs: ['cmd', ...cmds], files: [...top, ...files] };
  },
  defaultSteps(src) {
    const goMod = src.topText.get('go.mod');
    const vendored = src.topDirs.has('vendor');
    const needsFetch = goHasRequirements(goMod) && !vendored;
    // -mod=vendor builds from vendor/ only; otherwise the module cache filled by the fetch step (never the network).
    const mod = vendored ? '-mod=vendor' : '-mod=mod';
    const offline = `GOPROXY=off GOFLAGS=${mod}`;
    const flags = "-trimpath -ldflags='-buildid= -s -w'";
    const build = `${GO_PATH}${offline} CGO_ENABLED=0 go build ${flags} -o "$AIRLOCK_OUT/usr/bin/`;
    const cmds = goCommands(src);
    // The root package (also when unknown: go says what is wrong), then every command at once into the folder.
    const root = goRootIsMain(src) || cmds.length === 0 ? [`${build}${goBinaryName(src)}" .`] : [];
    const each = cmds.length ? [`${build}" ${cmds.map((c) => `./cmd/${c}`).join(' ')}`] : [];
    return {
      fetch: needsFetch ? [`${GO_PATH}go mod download`] : [],
      steps: [`mkdir -p "$AIRLOCK_OUT/usr/bin"`, ...root, ...each],
      test: [`${GO_PATH}${offline} CGO_ENABLED=0 go test -trimpath ./...`],
    };
  },
  defaultEntrypoint(src) {
    // One binary: the handoff finds it. Several: the one named like the module, else the config must say.
    const bins = goBinaries(src);
    if (bins.length < 2) return undefined;
    const name = goBinaryName(src);
    if (bins.includes(name)) return [`/usr/bin/${name}`];
    const cmds = goCommands(src).map((c) => `cmd/${c}`).join(', ');
    const module = goModule(src.topText.get('go.mod')) ?? 'no go.mod';
    throw entrypointAmbiguous(`several Go commands (${cmds}) and none is named like the module (${module} → ${name})`,
      bins.map((b) => `/usr/bin/${b}`));
  },
  stepCaches() {
    return [{ name: 'go', path: GO_CACHE }];
  },
  hostProbe: { env: GO_NETWORK_ENV },
  crossCompile(target, { commands }) {
    const env = GOARCH[target];
    if (!env) return { emulate: `Go has no GOARCH for ${target}` };
    const cgo = commands.find((c) => CGO_ON.test(c));
    // With cgo, the C part needs the target's C compiler and libraries: the target's builder has them.
    if (cgo) return { emulate: `a step turns cgo on (${cgo.length > 60 ? `${cgo.slice(0, 57)}...` : cgo}), which needs the target's C toolchain` };
    return { env: { ...env, CGO_ENABLED: '0' }, builderPackages: [] };
  },
  networkEnv(host) {
    // The host's module proxy settings, if any (never a hard-coded host).
    const out: Record<string, string> = {};
    for (const k of GO_NETWORK_ENV) if (host.env[k]) out[k] = host.env[k]!;
    return out;
  },
};
