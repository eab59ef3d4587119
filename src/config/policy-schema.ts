// `deployment_policy`: per environment, which images may run there (tags, variant, signature, attestations, gates).
import { z } from 'zod';

/** A tag pattern: `[REPO:]TAG` where `*` matches any run of characters and `{semver}` a version tag (X, X.Y, X.Y.Z[-pre]). */
export const TAG_PATTERN = /^(?:[a-z0-9*][a-z0-9._/*-]*:)?(?:[A-Za-z0-9_.*-]|\{semver\})+$/;

/** The environments a policy can name (and `airlock policy check --env` accepts). */
export const ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Evidence a policy can require, attached by `build --sign` / `airlock sign`. */
export const ATTESTATIONS = ['sbom', 'provenance', 'vex'] as const;
export type AttestationKind = (typeof ATTESTATIONS)[number];

const patterns = z.array(z.string().regex(TAG_PATTERN, {
  error: 'expected a tag pattern [REPO:]TAG using letters, digits, . _ - /, * (any run of characters) and {semver}, '
    + 'e.g. "my-service:*-prod" or "*-dev"',
}));

/** The defaults as the docs state them, by the environment whose defaults apply. */
const DOC_DEFAULTS = {
  production: {
    allowed: '["*-prod", "{semver}", "latest"]', forbidden: '["*-dev", "*-test", "*/dev:*", "*/test:*"]',
    variants: '[prod]', required: 'true', attestations: '[sbom, provenance]',
  },
  development: { allowed: '["*"]', forbidden: '[]', variants: '[dev, prod, test]', required: 'false', attestations: '[]' },
};

const environment = (name: string, defaultsOf: keyof typeof DOC_DEFAULTS) => {
  const d = DOC_DEFAULTS[defaultsOf];
  return z.strictObject({
    allowed_tags: patterns.optional().describe(
      `Optional. The image must match one of these tag patterns. Default: ${d.allowed}. Example: ["my-service:*-prod", "my-service:latest"]`),
    forbidden_tags: patterns.optional().describe(`Optional. The image must match none of these tag patterns. Default: ${d.forbidden}.`),
    variants: z.array(z.enum(['dev', 'prod', 'test'], { error: 'expected dev, prod or test' })).optional().describe(
      'Optional. Variants allowed, as recorded in the image\'s dev.airlock.variant label (so a dev image is recognised '
      + `however it is tagged). Default: ${d.variants}.`),
    require_signature: z.boolean().optional().describe(
      `Optional. The image must carry a signature that verifies with the policy key. Default: ${d.required}.`),
    required_attestations: z.array(z.enum(ATTESTATIONS)).optional().describe(
      'Optional. Signed attestations the image must carry (sbom = SPDX or CycloneDX, provenance = SLSA v1, '
      + `vex = OpenVEX). Default: ${d.attestations}.`),
    require_gates_passed: z.boolean().optional().describe(
      `Optional. The signed provenance must record that the quality gates passed (not failed, not skipped). Default: ${d.required}.`),
    min_coverage: z.number().min(0).max(100).optional().describe(
      'Optional. Minimum test coverage in percent, read from the coverage figure the signed provenance records '
      + '(measured by build.coverage); an image whose provenance records none fails. Default: none.'),
  }).describe(`Optional. Rules for ${name}; every field left out takes the ${defaultsOf} default.`);
};

/** `deployment_policy`: per environment; a missing environment or field takes its default. */
export const DeploymentPolicy = z.strictObject({
  production: environment('production', 'production').optional(),
  staging: environment('staging', 'production').optional(),
  development: environment('development', 'development').optional(),
});

/** One environment's rules as written. */
export type WrittenEnvironmentPolicy = z.infer<ReturnType<typeof environment>>;
/** `deployment_policy` as written. */
export type WrittenDeploymentPolicy = z.infer<typeof DeploymentPolicy>;
