// OpenVEX v0.2.0 for the prod image from a scan of the dev image: what did not cross the airlock is not present.
import { cmp } from './input.js';
import { debPurl, ociPurl } from './purl.js';
import type { Finding } from './scan-report.js';
import { isoSeconds } from './time.js';
import { uuidV5 } from './uuid.js';
import { stableJson } from '../image/json.js';

/** OpenVEX context URI. */
export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';
/** Predicate type for VEX attestations. */
export const OPENVEX_PREDICATE = 'https://openvex.dev/ns';

/** A package of the prod image (name, version, architecture). */
export interface ProdPackage {
  name: string;
  version: string;
  architecture: string;
}

/** What the VEX document is about and when. */
export interface VexInput {
  findings: Finding[];
  /** Prod image repository and manifest digest. */
  image: { name: string; digest: string };
  prodPackages: ProdPackage[];
  epoch: number;
  distro: string;
  author?: string;
}

type Json = Record<string, unknown>;

/** The OpenVEX document (as a plain object): one statement per (vulnerability, package). */
export function vexDocument(input: VexInput): Json {
  const prod = new Map(input.prodPackages.map((p) => [p.name, p]));
  const seen = new Map<string, Finding>();
  for (const f of input.findings) {
    const k = `${f.vulnerability}\u0000${f.package}`;
    const prev = seen.get(k);
    if (!prev || (!prev.fixedVersion && f.fixedVersion)) seen.set(k, f);
  }
  const findings = [...seen.values()].sort((a, b) => cmp(a.vulnerability, b.vulnerability) || cmp(a.package, b.package));
  const imageId = ociPurl(input.image.name, input.image.digest);
  const statements = findings.map((f) => {
    const p = prod.get(f.package);
    const sub = p ? debPurl(p, input.distro) : f.purl ?? debPurl({ name: f.package, version: f.installedVersion, architecture: '' }, input.distro);
    const base = { vulnerability: { name: f.vulnerability }, products: [{ '@id': imageId, subcomponents: [{ '@id': sub }] }] };
    if (!p) {
      return { ...base, status: 'not_affected', justification: 'component_not_present',
        impact_statement: `${f.package} is in the dev image only; it did not cross the airlock into the prod image` };
    }
    if (f.fixedVersion) {
      return { ...base, status: 'affected', action_statement: `Update ${f.package} ${p.version} to ${f.fixedVersion} or later and rebuild (relock) the image` };
    }
    return { ...base, status: 'under_investigation', status_notes: `${f.package} ${p.version} is in the prod image and the scanner reports no fix yet` };
  });
  const time = isoSeconds(input.epoch);
  const key = findings.map((f) => `${f.vulnerability}/${f.package}`).join(',');
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': `urn:uuid:${uuidV5(`airlock:vex:${input.image.digest}:${key}`)}`,
    author: input.author ?? 'airlock',
    timestamp: time,
    version: 1,
    tooling: 'airlock',
    statements: statements.map((s) => ({ ...s, timestamp: time })),
  };
}

/** The VEX document as the exact bytes written to `prod.vex.json`. */
export function vexJson(input: VexInput): string {
  return stableJson(vexDocument(input));
}
