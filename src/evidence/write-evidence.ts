// Writes a variant's evidence files under OUT/evidence/ atomically (temp file, then rename).
import type { KeyObject } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
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

/** Writes `text` to `path` through a temp file in the same directory. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (cause) {
    throw new AirlockError('image', 'write-failed', `cannot write ${path}`, { cause, hint: 'check that the output folder is writable' });
  }
}

/** Writes SBOMs, provenance and (with a key) the plain-file signature for `input.variant` into OUT/evidence/. */
export async function writeEvidence(outDir: string, input: EvidenceInput, opts: { key?: KeyObject } = {}): Promise<EvidencePaths> {
  const dir = join(outDir, 'evidence');
  await mkdir(dir, { recursive: true });
  const base = join(dir, input.variant);
  const paths: EvidencePaths = { spdx: `${base}.spdx.json`, cyclonedx: `${base}.cdx.json`, provenance: `${base}.provenance.json` };
  const spdx = spdxJson(input);
  const cdx = cyclonedxJson(input);
  const prov = provenanceJson(input);
  await writeAtomic(paths.spdx, spdx);
  await writeAtomic(paths.cyclonedx, cdx);
  await writeAtomic(paths.provenance, prov);
  if (opts.key) {
    const payload = simpleSigningPayload(input.name, input.imageDigest);
    paths.signaturePayload = `${base}.sig.payload.json`;
    paths.signature = `${base}.sig`;
    await writeAtomic(paths.signaturePayload, payload);
    await writeAtomic(paths.signature, signBytes(opts.key, payload).toString('base64'));
  }
  return paths;
}

/** Writes OUT/evidence/prod.vex.json (what `build --vex-scan REPORT` produces) and returns its path. */
export async function writeVexFile(outDir: string, input: VexInput, variant = 'prod'): Promise<string> {
  const dir = join(outDir, 'evidence');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${variant}.vex.json`);
  await writeAtomic(path, vexJson(input));
  return path;
}
