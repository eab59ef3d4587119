// Offline verification of a signed image: blobs, signature, payload digest, attestations, provenance packages.
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../errors.js';
import type { ImageStore } from '../image/image-store.js';
import { cosignTag, DSSE_MEDIA_TYPE, sha256Digest, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from './cosign.js';
import { IN_TOTO_PAYLOAD_TYPE, openEnvelope, parseEnvelope } from './dsse.js';
import { imagePackages, type InstalledPackage } from './image-packages.js';
import { verifyBytes } from './keys.js';
import { ROLE_ANNOTATION, SLSA_PROVENANCE_V1 } from './provenance.js';
import { PredicateType } from './attestation.js';
import { checkSbomPackages, comparedFileLists, sbomPackages, type SbomPackage } from './sbom-packages.js';
import { parseDebPurl } from './purl.js';
import { parseSimpleSigning } from './simple-signing.js';
import { findManifest, resolveManifest } from './stored-manifest.js';

interface Desc { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }
interface ManifestJson { mediaType?: string; config?: Desc; layers?: Desc[]; manifests?: Desc[] }

/** The checks that passed, one line each. */
export interface VerifyReport {
  digest: string;
  checks: string[];
  /** The attestations signed by the key that name this image (what `policy check` reads). */
  statements: VerifiedStatement[];
}

/** One verified in-toto statement's predicate. */
export interface VerifiedStatement { predicateType: string; predicate: any } // eslint-disable-line @typescript-eslint/no-explicit-any

const fail = (code: string, message: string, hint?: string) => new AirlockError('policy', code, message, hint ? { hint } : {});

async function checkedBlob(store: ImageStore, d: Desc | null, what: string): Promise<Buffer> {
  if (typeof d?.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest)) {
    throw new AirlockError('policy', 'bad-manifest', `${what} of ${store.where} has no valid sha256 digest`);
  }
  const b = await store.blob(d.digest);
  const got = sha256Digest(b);
  if (got !== d.digest || b.length !== d.size) {
    throw fail('blob-digest-mismatch', `${what} of ${store.where} is tampered: blob ${d.digest} hashes to ${got} (${b.length} bytes, expected ${d.size})`,
      'the stored bytes changed after the image was built; rebuild and push it again');
  }
  return b;
}

function parse(bytes: Buffer, what: string): ManifestJson {
  let v: unknown;
  try { v = JSON.parse(bytes.toString('utf8')); } catch (cause) {
    throw new AirlockError('policy', 'bad-manifest', `${what} is not valid JSON`, { cause });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new AirlockError('policy', 'bad-manifest', `${what} is not a JSON object`);
  return v as ManifestJson;
}

/** An SBOM file given to `airlock verify --sbom`, checked against the image's status.d like an attached one. */
export interface SbomFile {
  file: string;
  kind: 'spdx' | 'cyclonedx';
  doc: unknown;
}

/** The layer descriptors of a parsed manifest (what is not a list of objects has none). */
const layersOf = (m: ManifestJson): Desc[] => (Array.isArray(m.layers) ? m.layers.filter((l) => l && typeof l === 'object') : []);

/** Verifies the image `store` names with `key`; throws a policy error naming the first failing check. */
export async function verifyImage(
  store: ImageStore, key: KeyObject, keyName: string, sbomFiles: SbomFile[] = [],
): Promise<VerifyReport> {
  const m = await resolveManifest(store);
  const checks: string[] = [];
  const manifest = parse(m.bytes, `manifest of ${store.where}`);
  // A multi-platform index is signed itself: its signature is checked here; each platform's image, with its
  // attestations, is verified on its own (`--platform`).
  const index = Array.isArray((manifest as { manifests?: unknown }).manifests) ? (manifest as { manifests: Desc[] }).manifests : undefined;
  if (!index && (!manifest.config || !Array.isArray(manifest.layers))) throw fail('unsupported-manifest', `${store.where} is neither an image manifest nor an index`);
  const layers: Buffer[] = [];
  if (index) {
    checks.push(`index: ${index.length} platform image(s); verify each with --platform for its attestations`);
  } else {
    await checkedBlob(store, manifest.config!, 'the config');
    for (const [i, l] of manifest.layers!.entries()) layers.push(await checkedBlob(store, l, `layer ${i + 1}`));
    checks.push(`blobs: config and ${layers.length} layer(s) match their digests`);
  }

  const sigImage = await findManifest(store, cosignTag(m.digest, 'sig'));
  if (!sigImage) throw fail('no-signature', `${store.where}@${m.digest} has no signature (${cosignTag(m.digest, 'sig')} not found)`, 'sign it with airlock sign IMAGE --key KEY');
  const sigLayers = layersOf(parse(sigImage.bytes, 'signature manifest')).filter((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE);
  const verified: Buffer[] = [];
  for (const l of sigLayers) {
    const payload = await checkedBlob(store, l, 'a signature payload');
    if (verifyBytes(key, payload, Buffer.from(l.annotations?.[SIGNATURE_ANNOTATION] ?? '', 'base64'))) verified.push(payload);
  }
  if (verified.length === 0) {
    throw fail('signature-invalid', `no signature on ${store.where}@${m.digest} verifies with ${keyName} (${sigLayers.length} signature(s) checked; signed with another key?)`,
      'use the public key that belongs to the signing key');
  }
  checks.push(`signature: ${verified.length} signature(s) verify with ${keyName}`);
  const named = verified.map((p) => parseSimpleSigning(p).critical.image['docker-manifest-digest']);
  if (!named.includes(m.digest)) {
    throw fail('signature-wrong-digest', `the signature payload names ${named.join(', ')}, not this image's manifest ${m.digest}`,
      'the signature belongs to another image; sign this image');
  }
  checks.push(`payload: names manifest ${m.digest}`);
  if (index) return { digest: m.digest, checks, statements: [] };

  const attImage = await findManifest(store, cosignTag(m.digest, 'att'));
  const statements: VerifiedStatement[] = [];
  for (const l of attImage ? layersOf(parse(attImage.bytes, 'attestation manifest')) : []) {
    if (l.mediaType !== DSSE_MEDIA_TYPE) continue;
    const pt = l.annotations?.predicateType ?? '(unknown predicate)';
    const env = parseEnvelope(await checkedBlob(store, l, `attestation ${pt}`), `attestation ${pt}`);
    const body = env.payloadType === IN_TOTO_PAYLOAD_TYPE ? openEnvelope(env, key) : undefined;
    if (!body) throw fail('attestation-signature-invalid', `attestation ${pt} is not signed by ${keyName} (DSSE signature does not verify)`);
    const st = parse(body, `attestation ${pt}'s statement`) as {
      predicateType: string; predicate: unknown; subject?: { digest?: { sha256?: string } }[];
    };
    const subjects = (Array.isArray(st.subject) ? st.subject : []).map((s) => `sha256:${s?.digest?.sha256}`);
    if (!subjects.includes(m.digest)) {
      throw fail('attestation-wrong-subject', `attestation ${st.predicateType} is about ${subjects.join(', ') || 'nothing'}, not this image ${m.digest}`,
        'the attestation was made for another image; re-sign with this image\'s evidence');
    }
    statements.push(st);
  }
  checks.push(`attestations: ${statements.length} DSSE attestation(s) signed by ${keyName} name this image`);

  const prov = statements.find((s) => s.predicateType === SLSA_PROVENANCE_V1);
  const isSbom = (t: string) => t === PredicateType.spdx || t === PredicateType.cyclonedx;
  const sboms = statements.filter((s) => isSbom(s.predicateType));
  const installed = prov || sboms.length || sbomFiles.length ? await imagePackages(layers, store.where) : [];
  if (prov) {
    comparePackages(prov.predicate, installed);
    checks.push(`provenance: ${installed.length} package(s) in status.d match the provenance's resolved packages`);
  } else {
    checks.push('provenance: none attached, package check skipped (sign with --evidence DIR to attach it)');
  }
  for (const s of sboms) {
    const kind = s.predicateType === PredicateType.spdx ? 'spdx' : 'cyclonedx';
    const label = kind === 'spdx' ? 'SPDX SBOM' : 'CycloneDX SBOM';
    const listed = sbomPackages(kind, s.predicate);
    checkSbomPackages(`the ${label} attestation`, listed, installed);
    checks.push(`${label}: its ${installed.length} package version(s) match status.d` + filesChecked(listed, installed));
  }
  for (const f of sbomFiles) {
    const listed = sbomPackages(f.kind, f.doc);
    checkSbomPackages(f.file, listed, installed);
    checks.push(`${f.file}: its ${installed.length} package version(s) match status.d` + filesChecked(listed, installed));
  }
  return { digest: m.digest, checks, statements };
}

/** ", and the files of its N sliced package(s) their md5sums" when file lists were compared too. */
function filesChecked(listed: SbomPackage[], installed: InstalledPackage[]): string {
  const n = comparedFileLists(listed, installed);
  return n ? `, and the files listed for its ${n} sliced package(s) their md5sums` : '';
}

/** Throws unless the provenance's image packages equal the installed packages (name, version, architecture). */
export function comparePackages(predicate: any, installed: InstalledPackage[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deps: { uri?: string; annotations?: Record<string, string> }[] = predicate?.buildDefinition?.resolvedDependencies ?? [];
  const role = deps.some((d) => d.annotations?.[ROLE_ANNOTATION]);
  const key = (p: { name: string; version: string; architecture?: string }) => `${p.name}=${p.version}${p.architecture ? ':' + p.architecture : ''}`;
  const declared = new Set(deps.filter((d) => !role || d.annotations?.[ROLE_ANNOTATION] === 'image')
    .map((d) => (d.uri ? parseDebPurl(d.uri) : undefined)).filter((p) => p !== undefined).map((p) => key(p!)));
  const actual = new Set(installed.map(key));
  const missing = [...declared].filter((k) => !actual.has(k)).sort();
  const extra = [...actual].filter((k) => !declared.has(k)).sort();
  if (missing.length || extra.length) {
    throw fail('provenance-packages-mismatch', `the image's packages differ from its provenance: ${[
      extra.length ? `in the image but not the provenance: ${extra.slice(0, 5).join(', ')}` : '',
      missing.length ? `in the provenance but not the image: ${missing.slice(0, 5).join(', ')}` : '',
    ].filter(Boolean).join('; ')}`);
  }
}
