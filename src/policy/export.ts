// The deployment policy as admission policies: a Kyverno ClusterPolicy and a sigstore policy-controller ClusterImagePolicy.
import type { Environment } from '../config/policy-schema.js';
import { PredicateType } from '../evidence/attestation.js';
import { GATES_ANNOTATION, GATES_BYPRODUCT } from '../evidence/provenance.js';
import { patternRegex, type EnvironmentRules } from './rules.js';

/** The namespace label that says which environment a namespace is (Kyverno rules match on it). */
export const ENV_LABEL = 'airlock.dev/environment';

export type ExportFormat = 'kyverno' | 'policy-controller';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['kyverno', 'policy-controller'];

/** What an export needs: the environment's rules and, when it asks for signatures or attestations, the public key. */
export interface ExportInput { name: string; env: Environment; rules: EnvironmentRules; publicKeyPem?: string }

/**
 * A regular expression (RE2 and JS) over a whole image reference: a pattern with a REPO part matches the reference or
 * a tail after '/'; a tag-only pattern matches the tag, where `*` does not cross '/' or ':'.
 */
export function referenceRegex(patterns: string[]): string {
  const one = (p: string) => {
    if (p.includes(':')) return `(?:.*/)?${patternRegex(p).source.slice(1, -1)}`;
    return `.*:${patternRegex(p).source.slice(1, -1).replaceAll('.*', '[^/:]*')}`;
  };
  return `^(?:${patterns.map(one).join('|')})$`;
}

const gatesPath = `runDetails.byproducts[?name=='${GATES_BYPRODUCT}'] | [0].annotations."${GATES_ANNOTATION}"`;
const CONTAINERS = 'request.object.spec.[ephemeralContainers, initContainers, containers][]';
/** A Kyverno condition key: whether the container's image matches `regex` (Kyverno's regex_match is RE2). */
const imageMatches = (regex: string) => `{{ regex_match('${regex}', '{{ element.image }}') }}`;

/** A Kyverno ClusterPolicy: deny by tag patterns, verify the key's signature and the required attestations. */
export function kyvernoPolicy(input: ExportInput): Record<string, unknown> {
  const { rules, env } = input;
  const match = { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { [ENV_LABEL]: env } } } }] };
  const denyImages = (name: string, message: string, regex: string, matches: boolean) => ({
    name, match,
    validate: {
      message,
      foreach: [{ list: CONTAINERS, deny: { conditions: { any: [{ key: imageMatches(regex), operator: 'Equals', value: matches }] } } }],
    },
  });
  const out: Record<string, unknown>[] = [];
  if (!rules.allowedTags.includes('*')) {
    const message = `${env} runs only images tagged ${rules.allowedTags.join(', ')}`;
    out.push(denyImages(`${env}-allowed-tags`, message, referenceRegex(rules.allowedTags), false));
  }
  if (rules.forbiddenTags.length) {
    const message = `${env} never runs images tagged ${rules.forbiddenTags.join(', ')}`;
    out.push(denyImages(`${env}-forbidden-tags`, message, referenceRegex(rules.forbiddenTags), true));
  }
  const attestations = kyvernoAttestations(rules);
  if (rules.requireSignature || attestations.length) {
    // airlock signs offline with the user's key: no transparency log entry, no certificate timestamp
    const keys = { publicKeys: input.publicKeyPem!, rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } };
    const attestors = [{ entries: [{ keys }] }];
    out.push({
      name: `${env}-signed-and-attested`, match,
      verifyImages: [{
        imageReferences: ['*'], failureAction: 'Enforce', mutateDigest: true, verifyDigest: true, required: true,
        ...(rules.requireSignature ? { attestors } : {}),
        ...(attestations.length ? { attestations: attestations.map((a) => ({ ...a, attestors })) } : {}),
      }],
    });
  }
  return {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy',
    metadata: {
      name: `${input.name}-${env}`,
      annotations: { 'policies.kyverno.io/description': `airlock deployment policy for ${env} (namespaces labelled ${ENV_LABEL}=${env})` },
    },
    spec: { validationFailureAction: 'Enforce', background: false, webhookTimeoutSeconds: 30, rules: out },
  };
}

/** Kyverno attestation checks: SBOM (SPDX), provenance with variant and gate conditions, VEX. */
function kyvernoAttestations(rules: EnvironmentRules): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const provConditions = [
    { key: '{{ buildDefinition.externalParameters.variant }}', operator: 'AnyIn', value: rules.variants },
    ...(rules.requireGatesPassed ? [{ key: `{{ ${gatesPath} }}`, operator: 'Equals', value: 'passed' }] : []),
  ];
  if (rules.requiredAttestations.includes('sbom')) out.push({ type: PredicateType.spdx });
  if (rules.requiredAttestations.includes('provenance') || rules.requireGatesPassed) {
    out.push({ type: PredicateType.provenance, conditions: [{ all: provConditions }] });
  }
  if (rules.requiredAttestations.includes('vex')) out.push({ type: PredicateType.vex });
  return out;
}

/** A Rego policy over the provenance statement: the variant is allowed, and (when asked) the gates passed. */
function provenanceRego(rules: EnvironmentRules): string {
  return [
    'package sigstore',
    'default isCompliant = false',
    `variants := ${JSON.stringify(rules.variants)}`,
    'isCompliant {',
    '  input.predicate.buildDefinition.externalParameters.variant == variants[_]',
    ...(rules.requireGatesPassed ? [
      '  some i',
      `  input.predicate.runDetails.byproducts[i].name == "${GATES_BYPRODUCT}"`,
      `  input.predicate.runDetails.byproducts[i].annotations["${GATES_ANNOTATION}"] == "passed"`,
    ] : []),
    '}',
    '',
  ].join('\n');
}

/** A policy-controller ClusterImagePolicy: the key's signature and the attestations (tag patterns are Kyverno's). */
export function policyControllerPolicy(input: ExportInput): Record<string, unknown> {
  const { rules } = input;
  const key = { data: input.publicKeyPem!, hashAlgorithm: 'sha256' };
  const attestations: Record<string, unknown>[] = [];
  if (rules.requiredAttestations.includes('sbom')) attestations.push({ name: 'sbom', predicateType: 'spdxjson' });
  if (rules.requiredAttestations.includes('provenance') || rules.requireGatesPassed) {
    attestations.push({ name: 'provenance', predicateType: 'slsaprovenance1', policy: { type: 'rego', data: provenanceRego(rules) } });
  }
  if (rules.requiredAttestations.includes('vex')) attestations.push({ name: 'vex', predicateType: 'openvex' });
  return {
    apiVersion: 'policy.sigstore.dev/v1beta1', kind: 'ClusterImagePolicy',
    metadata: {
      name: `${input.name}-${input.env}`,
      annotations: { 'airlock.dev/not-encoded': 'allowed-tags, forbidden-tags (tag patterns: use the Kyverno export)' },
    },
    spec: {
      mode: 'enforce',
      images: [{ glob: '**' }],
      authorities: [rules.requireSignature || attestations.length
        ? { name: 'airlock-key', key, ...(attestations.length ? { attestations } : {}) }
        : { name: 'no-signature-required', static: { action: 'pass' } }],
    },
  };
}
