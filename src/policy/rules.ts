// The deployment policy as rules: defaults per environment, tag patterns, and image facts in → rule results out (pure).
import type { AttestationKind, Environment, WrittenDeploymentPolicy } from '../config/policy-schema.js';

/** One environment's rules with every default filled in. */
export interface EnvironmentRules {
  allowedTags: string[];
  forbiddenTags: string[];
  variants: string[];
  requireSignature: boolean;
  requiredAttestations: AttestationKind[];
  requireGatesPassed: boolean;
  minCoverage?: number;
}

const STRICT: EnvironmentRules = {
  allowedTags: ['*-prod', '{semver}', 'latest'],
  forbiddenTags: ['*-dev', '*-test', '*/dev:*', '*/test:*'],
  variants: ['prod'],
  requireSignature: true,
  requiredAttestations: ['sbom', 'provenance'],
  requireGatesPassed: true,
};

/** The defaults: production and staging run only signed, attested, gated prod images; development runs anything. */
export const DEFAULT_RULES: Record<Environment, EnvironmentRules> = {
  production: STRICT,
  staging: STRICT,
  development: {
    allowedTags: ['*'], forbiddenTags: [], variants: ['dev', 'prod', 'test'],
    requireSignature: false, requiredAttestations: [], requireGatesPassed: false,
  },
};

/** The rules of `env`: what the policy writes for it, the environment's defaults for the rest. */
export function environmentRules(policy: WrittenDeploymentPolicy | undefined, env: Environment): EnvironmentRules {
  const w = policy?.[env] ?? {};
  const d = DEFAULT_RULES[env];
  return {
    allowedTags: w.allowed_tags ?? d.allowedTags,
    forbiddenTags: w.forbidden_tags ?? d.forbiddenTags,
    variants: w.variants ?? d.variants,
    requireSignature: w.require_signature ?? d.requireSignature,
    requiredAttestations: w.required_attestations ?? d.requiredAttestations,
    requireGatesPassed: w.require_gates_passed ?? d.requireGatesPassed,
    ...(w.min_coverage !== undefined ? { minCoverage: w.min_coverage } : {}),
  };
}

/** A version tag as `airlock publish` writes them: X, X.Y, X.Y.Z, X.Y.Z-prerelease. */
const NUMBER = '(0|[1-9][0-9]*)';
const SEMVER = `${NUMBER}(\\.${NUMBER}(\\.${NUMBER}(-[0-9A-Za-z.-]+)?)?)?`;

/** The regular expression of a tag pattern: `*` any run of characters, `{semver}` a version. */
export function patternRegex(pattern: string): RegExp {
  const body = pattern.split('{semver}')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^$()[\]{}|\\]/g, '\\$&')).join('.*'))
    .join(SEMVER);
  return new RegExp(`^${body}$`);
}

/**
 * Whether `pattern` matches the reference `REPO:TAG` (REPO may carry a registry host). A pattern with a REPO part
 * matches the whole reference or any tail of it after a '/' (`app:*` matches `host/team/app:1.0`); a pattern without
 * one matches the tag alone.
 */
export function matchesPattern(pattern: string, reference: string): boolean {
  const re = patternRegex(pattern);
  const colon = reference.lastIndexOf(':');
  if (!pattern.includes(':')) return re.test(reference.slice(colon + 1));
  if (re.test(reference)) return true;
  for (let i = reference.indexOf('/'); i >= 0 && i < colon; i = reference.indexOf('/', i + 1)) {
    if (re.test(reference.slice(i + 1))) return true;
  }
  return false;
}

/** What `policy check` found out about an image. */
export interface ImageFacts {
  /** `REPO:TAG` as the image is named where it is (undefined: no tag to check, e.g. a docker-archive). */
  reference?: string;
  /** The `dev.airlock.variant` label (undefined: the image has none). */
  variant?: string;
  /** verified: a signature verifies with the key; otherwise why not. */
  signature: { status: 'verified' | 'missing' | 'invalid' | 'no-key'; detail: string };
  /** Predicate kinds of the attestations signed by the key that name this image. */
  attestations: AttestationKind[];
  /** What the signed provenance records about the gates (undefined: nothing). */
  gates?: 'passed' | 'failed' | 'skipped';
  /** The test coverage in percent the signed provenance records (undefined: none measured). */
  coverage?: number;
}

/** The rules `policy check` reports, in order. */
export type RuleId = 'allowed-tags' | 'forbidden-tags' | 'variant' | 'signature' | `attestation-${AttestationKind}` | 'gates' | 'coverage';

export interface RuleResult {
  rule: RuleId;
  status: 'pass' | 'fail' | 'not-measured';
  message: string;
}

function trusted(facts: ImageFacts): string | undefined {
  return facts.signature.status === 'verified' ? undefined : `cannot be trusted: ${facts.signature.detail}`;
}

const quoted = (ps: string[]) => ps.map((p) => `"${p}"`).join(', ');
const NO_TAG = 'the image has no tag to check (give oci:DIR:TAG or docker://HOST/REPO:TAG)';
const NO_COVERAGE = 'no signed provenance records a coverage figure (measure it with build.coverage.min and sign the build)';
const NO_GATES = 'no signed provenance records a gate result (sign the build with its evidence: build --sign KEY)';

function tagRules(rules: EnvironmentRules, ref: string | undefined): RuleResult[] {
  const out: RuleResult[] = [];
  const hit = (ps: string[]) => (ref === undefined ? undefined : ps.find((p) => matchesPattern(p, ref)));
  if (!rules.allowedTags.includes('*')) {
    const allowed = hit(rules.allowedTags);
    const fail = ref === undefined ? NO_TAG : `${ref} matches none of the allowed patterns ${quoted(rules.allowedTags)}`;
    out.push(result('allowed-tags', allowed !== undefined, `${ref} matches allowed pattern "${allowed}"`, fail));
  }
  if (rules.forbiddenTags.length) {
    const forbidden = hit(rules.forbiddenTags);
    const pass = `${ref ?? 'the image'} matches none of the forbidden patterns ${quoted(rules.forbiddenTags)}`;
    out.push(result('forbidden-tags', forbidden === undefined, pass, `${ref} matches forbidden pattern "${forbidden}"`));
  }
  return out;
}

function result(rule: RuleId, ok: boolean, pass: string, fail: string): RuleResult {
  return { rule, status: ok ? 'pass' : 'fail', message: ok ? pass : fail };
}

/** Every rule of `rules` applied to `facts`; a rule the environment does not ask for is left out. */
export function evaluate(rules: EnvironmentRules, facts: ImageFacts): RuleResult[] {
  const out = tagRules(rules, facts.reference);
  const v = facts.variant;
  const allowed = rules.variants.join(', ');
  const badVariant = v === undefined
    ? `the image has no dev.airlock.variant label (allowed: ${allowed})`
    : `the image is a ${v} image (label dev.airlock.variant), allowed here: ${allowed}`;
  out.push(result('variant', v !== undefined && rules.variants.includes(v), `the image is a ${v} image`, badVariant));
  const sig = facts.signature;
  if (rules.requireSignature) {
    out.push(result('signature', sig.status === 'verified', sig.detail, `not signed with the policy key: ${sig.detail}`));
  }
  const why = trusted(facts);
  for (const kind of rules.requiredAttestations) {
    const fail = why ? `the ${kind} attestation ${why}` : `no ${kind} attestation signed with the policy key names this image`;
    const ok = !why && facts.attestations.includes(kind);
    out.push(result(`attestation-${kind}`, ok, `a signed ${kind} attestation names this image`, fail));
  }
  if (rules.requireGatesPassed) {
    const g = facts.gates;
    const fail = why ? `the gate result ${why}` : g ? `the signed provenance records that the gates ${g}` : NO_GATES;
    out.push(result('gates', !why && g === 'passed', 'the signed provenance records that the gates passed', fail));
  }
  if (rules.minCoverage !== undefined) {
    const min = rules.minCoverage;
    const c = facts.coverage;
    const below = `the signed provenance records ${c}% test coverage, below ${min}%`;
    const fail = why ? `the coverage figure ${why}` : c === undefined ? NO_COVERAGE : below;
    const ok = `the signed provenance records ${c}% test coverage (minimum ${min}%)`;
    out.push(result('coverage', !why && c !== undefined && c >= min, ok, fail));
  }
  return out;
}
