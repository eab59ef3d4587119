// What to ask the package engine for: the language toolchain, dev and debug packages, and the runtime packages.
import type { Config, PackageRequest } from '../config/types.js';
import type { LanguagePack, SourceInfo } from '../lang/pack.js';
import { COVERAGE_TOOLS } from '../coverage/measure.js';

const req = (p: PackageRequest) => (p.version ? `${p.name}=${p.version}` : p.name);

/** Builder requests (toolchain + dev_packages + debug tools) and runtime requests (packages + the pack's runtime). */
export function packageRequests(
  config: Config, pack: LanguagePack, src: SourceInfo,
  /** Toolchain packages replacing the pack's own (when the toolchain comes from the npm registry). */
  toolchain?: { builder: string[]; runtime: string[] },
): { builder: string[]; runtime: string[]; version: string | undefined } {
  const version = pack.parseVersion(config.version);
  const runtime = [...new Set([...config.packages.map(req), ...(toolchain?.runtime ?? pack.runtimePackages(version))])].sort();
  const runtimeNames = new Set(runtime.map((r) => r.split('=')[0]));
  const builder = [...new Set([
    ...(toolchain?.builder ?? pack.builderPackages(version, src)),
    ...config.devPackages.map(req),
    ...config.variants.dev.debugTools,
    ...(config.build.coverage ? COVERAGE_TOOLS[config.language]?.packages ?? [] : []),
  ])].filter((b) => !runtimeNames.has(b.split('=')[0])).sort();
  return { builder, runtime, version };
}
