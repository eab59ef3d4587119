// C and C++: autotools, CMake or plain make, installed into $AIRLOCK_OUT.
import type { DefaultSteps, LanguagePack, SourceInfo } from './pack.js';

type BuildSystem = 'autotools' | 'autoreconf' | 'cmake' | 'make' | 'none';

/** Which build system a C/C++ tree uses, by its top-level files. */
export function detectBuildSystem(src: SourceInfo): BuildSystem {
  const has = (f: string) => src.topFiles.has(f);
  if (has('configure')) return 'autotools';
  if (has('configure.ac') || has('configure.in')) return 'autoreconf';
  if (has('CMakeLists.txt')) return 'cmake';
  if (has('Makefile') || has('makefile') || has('GNUmakefile')) return 'make';
  return 'none';
}

const JOBS = '$(nproc)';

function stepsFor(bs: BuildSystem): DefaultSteps {
  switch (bs) {
    case 'autoreconf':
    case 'autotools':
      return {
        fetch: [],
        steps: [
          ...(bs === 'autoreconf' ? ['autoreconf -fi'] : []),
          './configure --prefix=/usr',
          `make -j${JOBS}`,
          'make install DESTDIR="$AIRLOCK_OUT"',
        ],
        test: ['make check'],
      };
    case 'cmake':
      return {
        fetch: [],
        steps: [
          'cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_VERBOSE_MAKEFILE=ON',
          `cmake --build build -j${JOBS}`,
          'DESTDIR="$AIRLOCK_OUT" cmake --install build',
        ],
        test: ['if [ -f build/CTestTestfile.cmake ]; then ctest --test-dir build --output-on-failure; else echo "no tests (no enable_testing() in CMakeLists.txt)"; fi'],
      };
    case 'make':
      return {
        fetch: [],
        steps: [`make -j${JOBS}`, 'make install DESTDIR="$AIRLOCK_OUT" PREFIX=/usr'],
        test: ['if make -n check >/dev/null 2>&1; then make check; elif make -n test >/dev/null 2>&1; then make test; else echo "no tests (no check or test target)"; fi'],
      };
    case 'none':
      return { fetch: [], steps: [], test: [] };
  }
}

function makePack(id: 'c' | 'cpp'): LanguagePack {
  const cxx = id === 'cpp';
  return {
    id,
    versionPackage: cxx ? /^g\+\+-(\d+)$/ : /^gcc-(\d+)$/,
    toolchainName: cxx ? 'g++' : 'gcc',
    parseVersion(raw) {
      if (raw === undefined || raw === '') return undefined;
      const m = /^(?:gcc|g\+\+|gnu|c\+\+|c)?-?(\d+)(?:\.\d+)*$/i.exec(String(raw).trim());
      return m ? m[1] : String(raw);
    },
    builderPackages(version, src) {
      const v = version ? `-${version}` : '';
      const pkgs = ['gcc', `gcc${v}`, 'make', 'libc6-dev', 'binutils', 'pkg-config', 'dpkg-dev'];
      if (cxx) pkgs.push('g++', `g++${v}`);
      const bs = detectBuildSystem(src);
      if (bs === 'cmake') pkgs.push('cmake');
      if (bs === 'autoreconf') pkgs.push('autoconf', 'automake', 'libtool');
      return [...new Set(pkgs)].sort();
    },
    runtimePackages() {
      return [];
    },
    buildEnv(version): Record<string, string> {
      if (!version) return {};
      return cxx ? { CC: `gcc-${version}`, CXX: `g++-${version}` } : { CC: `gcc-${version}` };
    },
    defaultSteps(src) {
      return stepsFor(detectBuildSystem(src));
    },
  };
}

export const cPack = makePack('c');
export const cppPack = makePack('cpp');
