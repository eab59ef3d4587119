// Wraps evidence documents into in-toto statements about one image and signs them as DSSE envelopes.
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { signEnvelope } from './dsse.js';
import { attestationLayer, type Blob } from './cosign.js';
import { STATEMENT_V1 } from './provenance.js';
import { OPENVEX_PREDICATE } from './vex.js';

/** Predicate types of the evidence airlock attaches. */
export const PredicateType = {
  spdx: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  provenance: 'https://slsa.dev/provenance/v1',
  vex: OPENVEX_PREDICATE,
} as const;

/** An in-toto statement of `predicate` about the image `name@digest`. */
export function statement(name: string, imageDigest: string, predicateType: string, predicate: unknown): Record<string, unknown> {
  return { _type: STATEMENT_V1, subject: [{ name, digest: { sha256: imageDigest.replace(/^sha256:/, '') } }], predicateType, predicate };
}

/** Statement bytes for one evidence file: provenance is already a statement; SBOMs and VEX get wrapped. */
export function statementBytes(kind: keyof typeof PredicateType, fileText: string, name: string, imageDigest: string, file: string): Buffer {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(fileText) as Record<string, unknown>;
  } catch (cause) {
    throw new AirlockError('usage', 'bad-evidence', `${file} is not valid JSON`, { cause });
  }
  if (kind === 'provenance') return Buffer.from(fileText.trimEnd(), 'utf8');
  return Buffer.from(JSON.stringify(statement(name, imageDigest, PredicateType[kind], doc)), 'utf8');
}

/** Signs a statement into the `.att` layer that carries it. */
export function attestation(statementJson: Buffer, predicateType: string, key: KeyObject): Blob {
  const env = signEnvelope(statementJson, key);
  return attestationLayer(Buffer.from(JSON.stringify(env)), predicateType);
}
