// Writes a variant's evidence files under OUT/evidence/ atomically (temp file, fsync, rename).
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { settleAll, writeFileAtomic } from '../files/atomic.js';
import { cyclonedxJson } from './cyclonedx.js';
import type { EvidenceInput } from './input.js';
import { signBytes } from './keys.js';
import { provenanceJson } from './provenance.js';
import { simpleSigningPayload } from './simple-signing.js';
import { spdxJson } from './spdx.js';
import { vexJson, type VexInput } from './vex.js';

/** Paths of the files written for one variant. */
export interface EvidencePaths {
  spdx: string;
  cyclonedx: string;
  provenance: string;
  signaturePayload?: string;
  signature?: string;
}

/** Writes SBOMs, provenance and (with a key) the plain-file signature for `input.variant` into OUT/evidence/. */
export async function writeEvidence(outDir: string, input: EvidenceInput, opts: { key?: KeyObject } = {}): Promise<EvidencePaths> {
  const base = join(outDir, 'evidence', input.variant);
  const paths: EvidencePaths = { spdx: `${base}.spdx.json`, cyclonedx: `${base}.cdx.json`, provenance: `${base}.provenance.json` };
  const spdx = spdxJson(input);
  const cdx = cyclonedxJson(input);
  const prov = provenanceJson(input);
  // Written side by side: each file's sync waits on the disk, not on the others.
  const writes = [writeFileAtomic(paths.spdx, spdx), writeFileAtomic(paths.cyclonedx, cdx), writeFileAtomic(paths.provenance, prov)];
  if (opts.key) {
    const payload = simpleSigningPayload(input.name, input.imageDigest);
    paths.signaturePayload = `${base}.sig.payload.json`;
    paths.signature = `${base}.sig`;
    writes.push(writeFileAtomic(paths.signaturePayload, payload), writeFileAtomic(paths.signature, signBytes(opts.key, payload).toString('base64')));
  }
  await settleAll(writes);
  return paths;
}

/** Writes OUT/evidence/prod.vex.json (what `build --vex-scan REPORT` produces) and returns its path. */
export async function writeVexFile(outDir: string, input: VexInput, variant = 'prod'): Promise<string> {
  const path = join(outDir, 'evidence', `${variant}.vex.json`);
  await writeFileAtomic(path, vexJson(input));
  return path;
}
