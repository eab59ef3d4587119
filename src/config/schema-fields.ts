// Sub-schemas of the written config (packages, build, artifacts, runtime, variants, debian), each field documented.
import { z } from 'zod';
import { Coverage, Healthcheck, Writable } from './deploy-schema.js';

/** Debian package name grammar (Debian Policy 5.6.1). */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** Debian version grammar, loosely: [epoch:]upstream[-revision], starting with a digit. */
export const PACKAGE_VERSION = /^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$/;
const PACKAGE_ITEM = /^[a-z0-9][a-z0-9+.-]+(=([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*)?$/;

const version = z.union([z.string().regex(PACKAGE_VERSION, { error: 'expected a Debian version such as 1.2.3-1' }), z.number()]);

/** One package request: `name`, `name=version`, or a one-key map `{name: version}`. */
export const PackageItem = z
  .union(
    [
      z.string().regex(PACKAGE_ITEM, {
        error: 'expected a Debian package name ([a-z0-9][a-z0-9+.-]+, lowercase), optionally followed by =VERSION',
      }),
      z
        .record(z.string().regex(PACKAGE_NAME, { error: 'expected a Debian package name ([a-z0-9][a-z0-9+.-]+, lowercase)' }), version)
        .refine((r) => Object.keys(r).length === 1, { error: 'expected a map with exactly one key: {name: version}' })
        .meta({ minProperties: 1, maxProperties: 1 }),
    ],
    { error: 'expected a package name, "name=version", or a one-key map {name: version}' },
  )
  .describe('A Debian package: `curl`, `curl=7.88.1-10+deb12u8`, or `{curl: 7.88.1-10+deb12u8}`.')
  .meta({ id: 'package' });

/** A list of package requests. */
export const PackageList = z.array(PackageItem);

/** The nested form `packages: {dev_packages: [...], packages: [...]}`. */
export const NestedPackages = z
  .strictObject({
    dev_packages: PackageList.optional().describe('Optional. Same as the top-level `dev_packages`.'),
    packages: PackageList.optional().describe('Optional. Same as the top-level `packages` list.'),
  })
  .describe('The nested form: `dev_packages` and `packages` written under one `packages:` key.');

const commands = z.union([z.string(), z.array(z.string())]);

/** `build`: the shell steps run in the builder sandbox. */
export const Build = z.strictObject({
  fetch: commands.optional().describe('Optional. Steps that may use the network (e.g. downloading dependencies). Default: the language default (none for C/C++). Example: ["make deps"]'),
  steps: commands.optional().describe('Optional. Offline build steps; they install into $AIRLOCK_OUT. Default for C/C++: ./configure --prefix=/usr (autotools or hand-written), CMake, Meson (meson setup --prefix=/usr --buildtype=release) or make, then make install DESTDIR=$AIRLOCK_OUT (cmake --install, meson install --destdir). Example: ["make", "make install DESTDIR=$AIRLOCK_OUT"]'),
  test: commands.optional().describe('Optional. Offline test steps; the test image runs them. Default for C/C++: make check or make test when the Makefile has the target, ctest or meson test when tests are defined; otherwise the report says \"no tests found\". Example: ["make check"]'),
  coverage: Coverage.optional(),
  cross: z.boolean().optional().describe('Optional. For an architecture other than the host\'s: whether steps that can cross-compile on the host\'s builder do (Go with GOARCH, C and C++ with Debian\'s cross compilers when no dev packages are declared). false runs them in the target\'s own builder under qemu-user instead: slower, for builds whose steps ignore CC/CXX. Default: true. Example: false'),
  workspace: z.string().min(1).optional().describe('Optional. Node.js with npm workspaces: the folder (or package name) of the workspace that is the app; prod gets it, the workspaces it depends on and their production dependencies. Required when package.json has workspaces and the default steps are used. Example: packages/api'),
});

const MODE = /^0?[0-7]{3,4}$/;
const mode = z.union([z.string().regex(MODE, { error: 'expected an octal file mode such as "0755"' }), z.number().int()]);

/** One artifact: what crosses the airlock from the builder into the images. */
export const Artifact = z.union(
  [
    z.string().min(1).describe('A path inside the install root $AIRLOCK_OUT; installed at the same path in the images. Example: /usr/bin/hello'),
    z.strictObject({
      from: z.string().min(1).describe('Required. A path inside $AIRLOCK_OUT, or `src:relative/path` for a file of the work tree. Example: src:config/app.conf'),
      to: z.string().min(1).optional().describe('Optional (required for `src:` paths). Absolute destination in the images. Default: the same path as `from`. Example: /etc/app/app.conf'),
      mode: mode.optional().describe('Optional. Octal file mode, written "0755", 0755 or 755. Default: the mode in the builder.'),
    }),
  ],
  { error: 'expected a path string or a map {from, to?, mode?}' },
);

const stringOrList = z.union([z.string(), z.array(z.string())]);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** `runtime`: the image config of the prod (and test/dev) images. */
export const Runtime = z.strictObject({
  entrypoint: stringOrList.optional().describe('Optional. The program run by the image, as a list or a simple command string (split like a shell, without shell features). Default: the program the project layout names (Go: the binary named like the module; Rust: the only binary or default-run; Python: the console script), else the single executable installed under bin/ or sbin/. Example: ["/usr/bin/hello", "--verbose"]'),
  cmd: stringOrList.optional().describe('Optional. Default arguments appended to the entrypoint. Example: ["--port", "8080"]'),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' }), scalar).optional().describe('Optional. Environment variables. Example: {LANG: C.UTF-8}'),
  workdir: z.string().optional().describe('Optional. Absolute working directory of prod. Default: /home/nonroot (dev and test use /src).'),
  user: z.union([z.string().regex(/^([0-9]+(:[0-9]+)?|[a-z_][a-z0-9_-]*)$/, { error: 'expected "uid[:gid]" (numeric) or a user name' }), z.number().int().nonnegative()]).optional().describe('Optional. The prod user, "uid[:gid]" or a user name (prod\'s /etc/passwd has root and nonroot). Default: 65532:65532 (nonroot); dev runs as 1000 (dev), test as root.'),
  ports: z.array(z.union([z.string().regex(/^[0-9]{1,5}(\/(tcp|udp|sctp))?$/, { error: 'expected a port such as "8080" or "8080/tcp"' }), z.number().int()])).optional().describe('Optional. Exposed ports: 8080, "8080" or "53/udp" (tcp when no protocol is given).'),
  labels: z.record(z.string().min(1), scalar).optional().describe('Optional. Image labels. Example: {org.opencontainers.image.source: https://example.org/repo}'),
  healthcheck: Healthcheck.optional(),
  writable: Writable.optional(),
});

/** `build_flags`. */
export const BuildFlags = z.strictObject({
  hardening: z.enum(['none', 'standard', 'maximum']).optional().meta({ default: 'standard' }).describe('Optional. none, standard or maximum (the distro\'s full hardening flags: PIE, RELRO+BIND_NOW, stack protector, FORTIFY_SOURCE, stack-clash, CET; verified on every ELF artifact). Default: standard.'),
});

const SIZE = /^[0-9]+(\.[0-9]+)?\s*([kKmMgGtT][iI]?[bB]|[bB])?$/;
const flag = (what: string, dflt: string) => z.boolean().optional().describe(`Optional. ${what} Default: ${dflt}.`);

function variant(d: { tools: boolean; source: boolean; tests: boolean; strip: boolean }) {
  return z.strictObject({
    include_build_tools: flag('Include the compiler and build tools (the builder root file system).', String(d.tools)),
    include_source: flag('Include the source tree at /src.', String(d.source)),
    include_tests: flag('Include the tests (and run them as the test entrypoint).', String(d.tests)),
    strip_binaries: flag('Strip ELF artifacts with the builder\'s own strip.', String(d.strip)),
    max_size: z.union([z.string().regex(SIZE, { error: 'expected a size such as "50MB", "1.5 GiB" or a number of bytes' }), z.number().int().nonnegative()]).optional().describe('Optional. Size budget (compressed), e.g. "50MB" (10^6), "1.5 GiB" (2^30) or bytes. Default: none.'),
  });
}

const debugTools = z.array(z.string().regex(PACKAGE_NAME, { error: 'expected a Debian package name' })).optional().describe('Optional. Debugging packages added to dev. Default: [gdb, strace].');

const slicing = z.enum(['auto', 'off']).optional().meta({ default: 'auto' }).describe('Optional. auto: a runtime package that is in prod only because an artifact or a declared package needs it keeps only the files needed: the ELF closure at file level, files loaded by name at run time (NSS modules, gconv modules, OpenSSL providers, the C.UTF-8 locale…), an interpreter\'s standard library (less its test suites), /etc and the copyright file; its status.d entry stays, its md5sums list what was kept. Packages declared in `packages` stay whole. off: whole packages. Default: auto.');
const keepGlobs = z.array(z.string().min(1, { error: 'expected a glob such as /usr/lib/*/libfoo-plugin*.so' })).optional().describe('Optional. Globs of runtime package files that slicing keeps anyway (files a program loads by name, e.g. a plugin it dlopens). `*` stays within a folder, `**` spans folders. A glob that matches nothing is warned about. Default: [].');

const icuLanguage = z.string().regex(/^[a-z]{2,3}$/, { error: 'expected a language code such as en, de or zh (ISO 639, lower case: en keeps every en locale, en_GB and en_US too)' });
const icu = z.strictObject({
  languages: z.array(icuLanguage).min(1, { error: 'expected at least one language, such as [en]' }).optional().describe('Optional. Languages whose locale data prod keeps (ISO 639 codes: `en` keeps en, en_GB, en_US…), with the word-break dictionaries of their scripts (zh and ja: Chinese and Japanese, th, lo, my, km). The root locale and what every locale uses (character properties, normalization, collation and break rules, time zones, plural and unit rules) always stay. Formatting in any other language falls back to the default locale (en_US without LANG) or the root locale, and Intl reports it unsupported (`supportedLocalesOf`). Default: every language.'),
  converters: z.boolean().optional().describe('Optional. Keep ICU\'s tables of legacy character sets (windows-125x, ISO-8859-x, KOI8, Shift_JIS, EUC-JP, GBK, GB18030, Big5, EUC-KR, the IBM and EBCDIC code pages). false removes them (5 MB): Node\'s TextDecoder then accepts only UTF-8 and UTF-16 (latin1, iso-8859-1 and ascii are labels of windows-1252, which goes too); ICU\'s own UTF-8, UTF-16, UTF-32, US-ASCII and ISO-8859-1 converters are in its code and stay (Buffer transcoding keeps working). Default: true.'),
}).optional().describe('Optional. Trim ICU\'s data (libicudata.so, 31 MB in ICU 72, most of it locale data), which prod holds when a runtime package needs ICU (Debian\'s Node.js does). airlock writes a new libicudata.so with the same soname and data symbol holding only what is kept; it is no longer the Debian package\'s file: the package\'s md5sums and the SBOMs stop listing it, report.json (`icu`), the SBOMs and `airlock why` name it as made by airlock. Changes Intl and charset behaviour for what is removed. Default: Debian\'s file as it is.');

/** `variants`: per-image switches with per-variant defaults. */
export const Variants = z.strictObject({
  dev: variant({ tools: true, source: true, tests: true, strip: false }).extend({ debug_tools: debugTools }).optional().describe('Optional. Settings of the dev image (builder + dev packages + debug tools + source, shell, user dev).'),
  prod: variant({ tools: false, source: false, tests: false, strip: true }).extend({ slicing: slicing, keep: keepGlobs, icu }).optional().describe('Optional. Settings of the prod image (runtime packages + artifacts, no shell, user 65532).'),
  test: variant({ tools: true, source: true, tests: true, strip: false }).optional().describe('Optional. Settings of the test image (builder + source + tests; runs build.test).'),
});

const debianArch = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a Debian architecture such as amd64 or arm64' });

/** `debian`: where packages come from. */
export const Debian = z.strictObject({
  suite: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { error: 'expected a suite or codename such as bookworm' }).optional().describe('Optional. Suite or codename. Default: the suite of the apt sources of this machine. Example: bookworm'),
  architecture: debianArch.optional().describe('Optional. Debian architecture to build for. Default: the host\'s (amd64 on x86-64). Give `architectures` instead for several.'),
  architectures: z.array(debianArch).min(1, { error: 'expected at least one architecture' }).optional().describe('Optional. Debian architectures to build for, e.g. [amd64, arm64]: each variant becomes an OCI image index with one image per architecture (one lock per architecture: airlock.lock.<arch>.json). Default: [the host\'s]. `--platform` on the command line overrides it.'),
  sources: z.union([z.string(), z.array(z.string())]).optional().describe('Optional. apt sources: deb822 text, one-line "deb URI SUITE COMPONENTS" text, or a list of one-line entries. Default: this machine\'s /etc/apt/sources.list.d/*.sources.'),
  keyring: z.string().optional().describe('Optional. Path of an OpenPGP keyring that signs the sources, relative to the config file. Default: the system\'s Debian archive keyring.'),
});
