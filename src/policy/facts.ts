// What `policy check` needs to know about an image: its name and tag, variant label, signature, attestations, gates.
import type { KeyObject } from 'node:crypto';
import type { AttestationKind } from '../config/policy-schema.js';
import { AirlockError } from '../errors.js';
import { PredicateType } from '../evidence/attestation.js';
import { COVERAGE_ANNOTATION, GATES_ANNOTATION, GATES_BYPRODUCT, TESTS_BYPRODUCT } from '../evidence/provenance.js';
import { resolveManifest } from '../evidence/stored-manifest.js';
import { verifyImage, type VerifiedStatement } from '../evidence/verify-image.js';
import type { ImageStore } from '../image/image-store.js';
import type { ImageFacts } from './rules.js';

/** The label every airlock image carries with its variant (dev, prod or test). */
export const VARIANT_LABEL = 'dev.airlock.variant';

const KIND_OF: Record<string, AttestationKind> = {
  [PredicateType.spdx]: 'sbom', [PredicateType.cyclonedx]: 'sbom', [PredicateType.provenance]: 'provenance', [PredicateType.vex]: 'vex',
};

/** Where the image is and how to check it: the tag it is checked under and the key its signatures must verify with. */
export interface FactsInput {
  store: ImageStore;
  /** The tag the user named (undefined: none, e.g. a docker-archive). */
  tag?: string;
  /** The repository in `REPO:TAG` (default: the image's org.opencontainers.image.title label, else the store's name). */
  repository?: string;
  key?: { key: KeyObject; name: string };
}

/** The gate verdict a signed provenance records (undefined: it records none). */
export function gatesOf(statements: VerifiedStatement[]): ImageFacts['gates'] {
  const prov = statements.find((s) => s.predicateType === PredicateType.provenance);
  const byproducts: { name?: string; annotations?: Record<string, string> }[] = prov?.predicate?.runDetails?.byproducts ?? [];
  const verdict = byproducts.find((b) => b.name === GATES_BYPRODUCT)?.annotations?.[GATES_ANNOTATION];
  return verdict === 'passed' || verdict === 'failed' || verdict === 'skipped' ? verdict : undefined;
}

/** The test coverage a signed provenance records (undefined: it records none). */
export function coverageOf(statements: VerifiedStatement[]): number | undefined {
  const prov = statements.find((s) => s.predicateType === PredicateType.provenance);
  type Byproduct = { name?: string; annotations?: Record<string, string> };
  const byproducts: Byproduct[] = prov?.predicate?.runDetails?.byproducts ?? [];
  const figure = byproducts.find((b) => b.name === TESTS_BYPRODUCT)?.annotations?.[COVERAGE_ANNOTATION];
  const n = figure === undefined ? NaN : Number(figure);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads the facts; a signature that does not verify is a fact (with the reason), not an error. */
export async function imageFacts(input: FactsInput): Promise<ImageFacts & { digest: string }> {
  const { store } = input;
  const m = await resolveManifest(store);
  const manifest = JSON.parse(m.bytes.toString('utf8')) as { config?: { digest: string } };
  if (!manifest.config) {
    const hint = 'check one platform\'s image';
    throw new AirlockError('usage', 'unsupported-manifest', `${store.where} is an index, not an image manifest`, { hint });
  }
  const configBytes = await store.blob(manifest.config.digest);
  const config = JSON.parse(configBytes.toString('utf8')) as { config?: { Labels?: Record<string, string> } };
  const labels = config.config?.Labels ?? {};
  const repository = input.repository ?? labels['org.opencontainers.image.title'] ?? store.repository;
  const facts: ImageFacts & { digest: string } = {
    digest: m.digest,
    ...(input.tag !== undefined ? { reference: `${repository}:${input.tag}` } : {}),
    ...(labels[VARIANT_LABEL] !== undefined ? { variant: labels[VARIANT_LABEL] } : {}),
    signature: { status: 'no-key', detail: 'no --key given to verify the signature with' },
    attestations: [],
  };
  if (!input.key) return facts;
  try {
    const r = await verifyImage(store, input.key.key, input.key.name);
    facts.signature = { status: 'verified', detail: `a signature verifies with ${input.key.name}` };
    facts.attestations = [...new Set(r.statements.map((s) => KIND_OF[s.predicateType]).filter((k) => k !== undefined))];
    const gates = gatesOf(r.statements);
    if (gates) facts.gates = gates;
    const coverage = coverageOf(r.statements);
    if (coverage !== undefined) facts.coverage = coverage;
  } catch (e) {
    if (!(e instanceof AirlockError) || e.exitCode !== 6) throw e;
    facts.signature = { status: e.code === 'no-signature' ? 'missing' : 'invalid', detail: e.message };
  }
  return facts;
}
