// A language pack: data plus a few hooks saying how a project of that language is built and what prod needs.

/** What the build knows about a source tree before building (read at the edge, passed in). */
export interface SourceInfo {
  /** Relative paths of the regular files at the top of the source tree (names only). */
  topFiles: Set<string>;
}

export interface DefaultSteps {
  fetch: string[];
  steps: string[];
  test: string[];
}

export interface LanguagePack {
  id: string;
  /** Debian package name pattern whose numeric capture lists the toolchain versions the suite offers. */
  versionPackage: RegExp;
  /** Human name of the toolchain for version errors ("gcc"). */
  toolchainName: string;
  /** Parses the config's `version` into the toolchain's version number, or undefined for the suite default. */
  parseVersion(raw: string | undefined): string | undefined;
  /** Packages of the builder set (the toolchain) for this source tree. */
  builderPackages(version: string | undefined, src: SourceInfo): string[];
  /** Packages prod always needs, besides the ELF closure of the artifacts. */
  runtimePackages(version: string | undefined): string[];
  /** Environment of every build step (compilers of the requested version, etc.). */
  buildEnv(version: string | undefined): Record<string, string>;
  /** Conventional fetch/build/test steps for this source tree. */
  defaultSteps(src: SourceInfo): DefaultSteps;
}
