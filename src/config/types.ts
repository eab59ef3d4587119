// The normalized config: what every other part of airlock reads (never the written YAML).
import type { Language } from './schema.js';
import type { WrittenDeploymentPolicy } from './policy-schema.js';
import type { WrittenHealthcheck, WrittenKubernetes } from './deploy-schema.js';

export type { Language } from './schema.js';

/** A requested Debian package; `version` pins an exact Debian version. */
export interface PackageRequest {
  name: string;
  version?: string;
}

/** One declared artifact: a path under the install root ('out') or the source tree ('src'), copied to `to`. */
export interface ArtifactSpec {
  /** Relative path inside its root, normalized, without a leading '/'. */
  from: string;
  fromRoot: 'out' | 'src';
  /** Absolute path in the images. */
  to: string;
  /** File mode bits (0o7777), when given. */
  mode?: number;
}

/** Resolved switches of one variant. */
export interface VariantSettings {
  includeBuildTools: boolean;
  includeSource: boolean;
  includeTests: boolean;
  stripBinaries: boolean;
  /** Size budget in bytes, when given. */
  maxSize?: number;
  /** Debugging packages (dev only; [] elsewhere). */
  debugTools: string[];
}

export type VariantName = 'dev' | 'prod' | 'test';

/** What prod keeps of ICU's data: the languages whose locales stay (undefined: all), and the charset converters. */
export interface IcuSettings {
  languages?: string[];
  converters: boolean;
}
export type Hardening = 'none' | 'standard' | 'maximum';

/** The runtime settings; undefined means "the variant's default". */
export interface RuntimeSettings {
  entrypoint?: string[];
  cmd?: string[];
  env: Record<string, string>;
  workdir?: string;
  /** "uid", "uid:gid" or a user name. */
  user?: string;
  /** Sorted, unique, each "PORT/PROTO" (e.g. "8080/tcp"). */
  ports: string[];
  labels: Record<string, string>;
  /** `runtime.healthcheck` as written (src/k8s fills the defaults). */
  healthcheck?: WrittenHealthcheck;
  /** Absolute, normalized folders prod writes to (besides /tmp); sorted, unique. */
  writable?: string[];
}

/** apt sources given in the config. */
export interface SourcesText {
  format: 'deb822' | 'one-line';
  text: string;
}

/** A build secret: its id, where its value is on the host, the variable it is exported as, and its phases. */
export interface SecretSpec {
  id: string;
  source: { env: string } | { file: string };
  asEnv?: string;
  phases: ('fetch' | 'build' | 'test')[];
}

/** The normalized config. Paths are absolute; lists are sorted where order has no meaning. */
export interface Config {
  /** Absolute path of the config file. */
  file: string;
  /** Absolute folder of the config file (relative paths are resolved against it). */
  dir: string;
  name: string;
  tag: string;
  language: Language;
  /** Toolchain version as written ("gcc-12", "12", "3.11"), or undefined for the suite's default. */
  version?: string;
  /** Runtime packages (builder, dev, prod), in written order, unique by name. */
  packages: PackageRequest[];
  /** Builder/dev-only packages, in written order, unique by name. */
  devPackages: PackageRequest[];
  /** Absolute build context. */
  source: string;
  /**
   * Each list undefined = the language default; `workspace`: the app's npm workspace (folder or package name);
   * `cross: false`: a foreign architecture's steps run emulated on its own builder even when they could cross-compile.
   */
  build: { fetch?: string[]; steps?: string[]; test?: string[]; workspace?: string; coverage?: { min: number }; cross?: false };
  /** undefined = the default artifact rule (everything installed except dev/doc files). */
  artifacts?: ArtifactSpec[];
  runtime: RuntimeSettings;
  buildFlags: { hardening: Hardening };
  variants: Record<VariantName, VariantSettings>;
  /** prod's slicing of runtime packages (`variants.prod.slicing`, `variants.prod.keep`: globs without a leading '/'). */
  slicing: { mode: 'auto' | 'off'; keep: string[] };
  /** `variants.prod.icu`: trim prod's ICU data; undefined leaves Debian's libicudata as it is. */
  icu?: IcuSettings;
  /** `deployment_policy` exactly as written (src/policy resolves the defaults). */
  deploymentPolicy?: WrittenDeploymentPolicy;
  /** Build secrets: where each value is on the host, and which phases get it (values are read by the build). */
  secrets?: SecretSpec[];
  /** `app_config`: absolute paths of the base and overlays, and the path of the merged file in the images. */
  appConfig?: { base: string; dev?: string; prod?: string; path: string };
  /** `kubernetes` as written (src/k8s resolves the defaults). */
  kubernetes?: WrittenKubernetes;
  debian: {
    suite?: string;
    /** The architecture this config builds for (one of `architectures`; a multi-architecture build sets it per platform). */
    architecture: string;
    /** Every architecture the config builds for, in the order written (one: a single-platform build, as before). */
    architectures: string[];
    sources?: SourcesText;
    /** Absolute path of the keyring. */
    keyring?: string;
  };
}
