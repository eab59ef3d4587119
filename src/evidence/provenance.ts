// in-toto Statement v1 carrying SLSA Provenance v1 for one image variant.
import { AIRLOCK_BUILD_TYPE, checkInput, digestHex, integrityHex, sortedPackages, sortedUpstream, cmp, type EvidenceInput, type UpstreamComponent } from './input.js';
import { debPurl, npmPurl } from './purl.js';
import { isoSeconds } from './time.js';
import { uuidV5 } from './uuid.js';
import { stableJson } from '../image/json.js';

/** in-toto Statement v1 type URI. */
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** SLSA provenance v1 predicate type. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** The byproduct that records the gate result, and its annotation (passed | failed | skipped). */
export const GATES_BYPRODUCT = 'airlock-gates';
export const GATES_ANNOTATION = 'dev.airlock.gates';
/** The byproduct that records the test outcome, and its annotation (the coverage total in percent, when measured). */
export const TESTS_BYPRODUCT = 'airlock-tests';
export const COVERAGE_ANNOTATION = 'dev.airlock.coverage';
/** Annotation on resolved dependencies naming their role ("image" packages are what the image contains). */
export const ROLE_ANNOTATION = 'dev.airlock.role';

type Json = Record<string, unknown>;

/** The provenance statement (as a plain object) for one variant. */
export function provenanceStatement(input: EvidenceInput): Json {
  checkInput(input);
  const hex = digestHex(input.imageDigest, 'image digest');
  const dep = (p: EvidenceInput['packages'][number], role: string) => ({
    uri: debPurl(p, input.distro),
    digest: { sha256: p.sha256 },
    name: p.filename.split('/').pop(),
    annotations: { [ROLE_ANNOTATION]: role },
  });
  const npm = (c: UpstreamComponent, role: string) => ({
    uri: npmPurl(c),
    digest: { sha512: integrityHex(c.integrity, `npm component ${c.name}`) },
    annotations: { [ROLE_ANNOTATION]: role },
  });
  // each role's debs, then its npm components (each sorted); then the builder rootfs and the source
  const resolved = [
    ...sortedPackages(input.packages).map((p) => dep(p, 'image')),
    ...sortedUpstream(input.upstream ?? []).map((c) => npm(c, 'image')),
    ...sortedPackages(input.builderPackages ?? []).map((p) => dep(p, 'builder')),
    ...sortedUpstream(input.builderUpstream ?? []).map((c) => npm(c, 'builder')),
    { name: 'builder-rootfs', digest: { sha256: digestHex(input.builderRootfsDigest, 'builder rootfs digest') }, annotations: { [ROLE_ANNOTATION]: 'builder-rootfs' } },
    ...(input.crossBuilder ? [
      ...sortedPackages(input.crossBuilder.packages).map((p) => dep(p, 'cross-builder')),
      { name: 'cross-builder-rootfs', digest: { sha256: digestHex(input.crossBuilder.rootfsDigest, 'cross builder rootfs digest') }, annotations: { [ROLE_ANNOTATION]: 'cross-builder-rootfs' } },
    ] : []),
    { name: 'source', digest: { sha256: digestHex(input.sourceDigest, 'source digest') }, annotations: { [ROLE_ANNOTATION]: 'source' } },
  ];
  const time = isoSeconds(input.epoch);
  const byproducts: Json[] = [...input.artifacts].sort((a, b) => cmp(a.path, b.path)).map((a) => ({
    name: `/${a.path}`,
    digest: { sha256: a.sha256 },
    ...(a.step ? { annotations: { 'dev.airlock.step': a.step } } : {}),
    ...(a.madeFrom ? { annotations: { 'dev.airlock.made-from': a.madeFrom.package } } : {}),
  }));
  // The gate result is a byproduct: its content is the record, its annotation the verdict policies match on.
  if (input.gates) {
    byproducts.push({
      name: GATES_BYPRODUCT, mediaType: 'application/json', content: Buffer.from(stableJson(input.gates)).toString('base64'),
      annotations: { [GATES_ANNOTATION]: input.gates.result },
    });
  }
  if (input.tests) {
    const coverage = input.tests.coverage ? { [COVERAGE_ANNOTATION]: String(input.tests.coverage.percent) } : {};
    byproducts.push({
      name: TESTS_BYPRODUCT, mediaType: 'application/json',
      content: Buffer.from(stableJson(input.tests)).toString('base64'),
      annotations: { 'dev.airlock.tests': input.tests.status, ...coverage },
    });
  }
  return {
    _type: STATEMENT_V1,
    subject: [{ name: input.name, digest: { sha256: hex } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: input.buildType ?? AIRLOCK_BUILD_TYPE,
        externalParameters: {
          config: input.config,
          source: { digest: { sha256: digestHex(input.sourceDigest, 'source digest') } },
          variant: input.variant,
          tag: input.tag,
        },
        internalParameters: { sourceDateEpoch: input.epoch, distro: input.distro },
        resolvedDependencies: resolved,
      },
      runDetails: {
        builder: { id: input.builder.id, version: { airlock: input.builder.version } },
        metadata: {
          invocationId: `urn:uuid:${uuidV5(`airlock:invocation:${input.variant}:${input.sourceDigest}:${input.imageDigest}`)}`,
          startedOn: time,
          finishedOn: time,
        },
        ...(byproducts.length ? { byproducts } : {}),
      },
    },
  };
}

/** The statement as the exact bytes written to `<variant>.provenance.json`. */
export function provenanceJson(input: EvidenceInput): string {
  return stableJson(provenanceStatement(input));
}
