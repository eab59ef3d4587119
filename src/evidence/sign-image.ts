// Signs an image where it lives: a `.sig` image with the simple-signing payload and a `.att` image of DSSE attestations.
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { ImageStore } from '../image/image-store.js';
import { attestation, PredicateType, statementBytes } from './attestation.js';
import { cosignImage, cosignPut, cosignTag, signatureLayer } from './cosign.js';
import { signBytes } from './keys.js';
import { simpleSigningPayload } from './simple-signing.js';
import { resolveManifest } from './stored-manifest.js';

/** A statement to attach, already serialized. */
export interface StatementFile {
  predicateType: string;
  statement: Buffer;
  /** Where it came from, for messages. */
  file: string;
}

/** What signing did. */
export interface SignResult {
  digest: string;
  signatureTag: string;
  attestationTag?: string;
  attestations: string[];
}

function subjectDigests(statement: Buffer): string[] {
  try {
    const s = JSON.parse(statement.toString('utf8')) as { subject?: { digest?: { sha256?: string } }[] };
    return (s.subject ?? []).map((x) => `sha256:${x.digest?.sha256 ?? ''}`);
  } catch {
    return [];
  }
}

/** Signs the image `store` names and attaches `statements` (each must be about that image). */
export async function signImage(store: ImageStore, key: KeyObject, statements: StatementFile[]): Promise<SignResult> {
  const m = await resolveManifest(store);
  const payload = simpleSigningPayload(store.repository, m.digest);
  const sig = signatureLayer(payload, signBytes(key, payload).toString('base64'));
  const signatureTag = cosignTag(m.digest, 'sig');
  await store.put(cosignPut(m.digest, 'sig', cosignImage([sig])));
  if (statements.length === 0) return { digest: m.digest, signatureTag, attestations: [] };
  for (const s of statements) {
    if (!subjectDigests(s.statement).includes(m.digest)) {
      throw new AirlockError('usage', 'attestation-other-image', `${s.file} is about ${subjectDigests(s.statement).join(', ') || 'no subject'}, not ${store.where} (${m.digest})`, {
        hint: 'pass the evidence folder of the build that produced this image',
      });
    }
  }
  const attestationTag = cosignTag(m.digest, 'att');
  const attestations = cosignImage(statements.map((s) => attestation(s.statement, s.predicateType, key)));
  await store.put(cosignPut(m.digest, 'att', attestations));
  return { digest: m.digest, signatureTag, attestationTag, attestations: statements.map((s) => s.predicateType) };
}

const SUFFIX: [string, keyof typeof PredicateType][] = [
  ['.provenance.json', 'provenance'],
  ['.spdx.json', 'spdx'],
  ['.cdx.json', 'cyclonedx'],
  ['.vex.json', 'vex'],
];

/** The evidence files in `dir` that belong to the image `digest`: the variant whose provenance names it. */
export async function evidenceStatements(dir: string, name: string, digest: string): Promise<StatementFile[]> {
  const files = await readdir(dir).catch((cause: unknown) => {
    throw new AirlockError('usage', 'no-evidence-dir', `cannot read evidence folder ${dir}`, { cause, hint: 'pass OUT/evidence of an airlock build' });
  });
  const subjects: string[] = [];
  for (const f of files.filter((x) => x.endsWith('.provenance.json')).sort()) {
    const text = await readFile(join(dir, f), 'utf8');
    const subs = subjectDigests(Buffer.from(text));
    subjects.push(`${f}: ${subs.join(', ')}`);
    if (!subs.includes(digest)) continue;
    const variant = f.slice(0, -'.provenance.json'.length);
    const out: StatementFile[] = [];
    for (const [suffix, kind] of SUFFIX) {
      const file = join(dir, variant + suffix);
      if (!files.includes(variant + suffix)) continue;
      out.push({ predicateType: PredicateType[kind], statement: statementBytes(kind, await readFile(file, 'utf8'), name, digest, file), file });
    }
    return out;
  }
  throw new AirlockError('usage', 'no-evidence-for-image', `no provenance in ${dir} is about ${digest}`, {
    hint: subjects.length ? `provenance subjects found: ${subjects.join('; ')}` : 'the folder has no *.provenance.json; run airlock build first',
  });
}

/** Signs the image `store` names and attaches the evidence in `evidenceDir` (`airlock sign`, `build --sign`). */
export async function signWithEvidence(store: ImageStore, key: KeyObject, evidenceDir?: string): Promise<SignResult> {
  if (!evidenceDir) return signImage(store, key, []);
  const { digest } = await resolveManifest(store);
  return signImage(store, key, await evidenceStatements(evidenceDir, store.repository, digest));
}
