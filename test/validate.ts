// One conformance checker called after every sink write in the tests: digests, sizes, diffIDs, media types, OCI schemas.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { decompress } from '../src/image/decompress.js';
import { Hasher, sha256 } from '../src/image/digest.js';
import type { Image } from '../src/image/image.js';
import { MediaType } from '../src/image/media-types.js';
import { readLayout } from '../src/sinks/oci-layout.js';
import type { Platform } from '../src/image/descriptor.js';
import { debianArchOf } from '../src/image/platform.js';
import { readFileStream } from '../src/sinks/blob-store.js';

/** The OCI image-spec schemas, copied into the repo (test/schemas/oci; test/schemas/README.md says from where). */
export const OCI_SCHEMA_DIR = fileURLToPath(new URL('./schemas/oci/', import.meta.url));

const BASE = 'file:///oci-schemas/';

// Draft-04 `id` → nothing (nested ids would move the base URI); each file gets `$id` = its file name under BASE.
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'id' && typeof v === 'string') || k === '$schema') continue;
      out[k] = strip(v);
    }
    return out;
  }
  return node;
}

let validators: Record<'manifest' | 'config' | 'index' | 'layout', ValidateFunction> | undefined;

function schemas() {
  if (validators) return validators;
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const f of readdirSync(OCI_SCHEMA_DIR).filter((n) => n.endsWith('.json'))) {
    const s = strip(JSON.parse(readFileSync(join(OCI_SCHEMA_DIR, f), 'utf8'))) as Record<string, unknown>;
    ajv.addSchema({ ...s, $id: BASE + f });
  }
  const get = (f: string) => ajv.getSchema(BASE + f)!;
  validators = { manifest: get('image-manifest-schema.json'), config: get('config-schema.json'), index: get('image-index-schema.json'), layout: get('image-layout-schema.json') };
  return validators;
}

function checkSchema(kind: keyof ReturnType<typeof schemas>, bytes: Uint8Array, where: string, problems: string[]): void {
  const v = schemas()[kind];
  if (!v(JSON.parse(Buffer.from(bytes).toString('utf8')))) problems.push(`${where}: ${kind} schema: ${JSON.stringify(v.errors)}`);
}

const LAYER_TYPES = new Set<string>([MediaType.layer, MediaType.layerGzip, MediaType.layerZstd, MediaType.dockerLayer, MediaType.dockerLayerGzip]);

/** Validates an image: schemas, config/manifest digests, every layer's digest, size, diffID and media type. Throws listing all problems. */
export async function validateImage(img: Image, where = 'image'): Promise<void> {
  const problems: string[] = [];
  checkSchema('manifest', img.manifestBytes, where, problems);
  checkSchema('config', img.configBytes, where, problems);
  if (img.digest !== sha256(img.manifestBytes)) problems.push(`${where}: manifest digest mismatch`);
  if (img.manifest.mediaType !== MediaType.manifest) problems.push(`${where}: manifest mediaType ${img.manifest.mediaType}`);
  if (img.manifest.config.mediaType !== MediaType.config) problems.push(`${where}: config mediaType ${img.manifest.config.mediaType}`);
  if (img.manifest.config.digest !== sha256(img.configBytes) || img.manifest.config.size !== img.configBytes.length) problems.push(`${where}: config descriptor does not match config bytes`);
  const diffIds = img.config.rootfs.diff_ids;
  if (diffIds.length !== img.manifest.layers.length) problems.push(`${where}: ${diffIds.length} diff_ids for ${img.manifest.layers.length} layers`);
  for (const [i, d] of img.manifest.layers.entries()) {
    const layer = img.layers[i]!;
    if (!LAYER_TYPES.has(d.mediaType)) problems.push(`${where}: layer ${i} has media type ${d.mediaType}`);
    const blob = new Hasher();
    const diff = new Hasher();
    const counted = (async function* () { for await (const c of layer.open()) { blob.update(c); yield c; } })();
    for await (const c of decompress(counted)) diff.update(c);
    if (blob.digest() !== d.digest || blob.size !== d.size) problems.push(`${where}: layer ${i} blob is ${blob.digest()} (${blob.size} B), descriptor says ${d.digest} (${d.size} B)`);
    if (diff.digest() !== diffIds[i]) problems.push(`${where}: layer ${i} diffID is ${diff.digest()}, config says ${diffIds[i]}`);
    if (layer.uncompressedSize !== undefined && layer.uncompressedSize !== diff.size) problems.push(`${where}: layer ${i} uncompressed size ${diff.size} != ${layer.uncompressedSize}`);
  }
  if (problems.length) throw new Error(`validation failed:\n  ${problems.join('\n  ')}`);
}

/** Validates a layout: oci-layout and index.json schemas, every blob hashes to its name, every indexed image (or `tag`) is valid. */
export async function validateLayout(dir: string, tag?: string): Promise<void> {
  const problems: string[] = [];
  checkSchema('layout', await readFile(join(dir, 'oci-layout')), `${dir}/oci-layout`, problems);
  const indexRaw = await readFile(join(dir, 'index.json'));
  checkSchema('index', indexRaw, `${dir}/index.json`, problems);
  const blobDir = join(dir, 'blobs', 'sha256');
  for (const name of readdirSync(blobDir)) {
    const h = new Hasher();
    for await (const c of readFileStream(join(blobDir, name))) h.update(c);
    if (h.digest() !== `sha256:${name}`) problems.push(`${dir}: blob ${name} hashes to ${h.digest()}`);
  }
  const index = JSON.parse(indexRaw.toString('utf8')) as { manifests: { digest: string; size: number; annotations?: Record<string, string> }[] };
  for (const d of index.manifests) {
    const p = join(blobDir, d.digest.slice(7));
    if (statSync(p, { throwIfNoEntry: false })?.size !== d.size) problems.push(`${dir}: index entry ${d.digest} missing or wrong size`);
  }
  if (problems.length) throw new Error(`validation failed:\n  ${problems.join('\n  ')}`);
  const tags = tag !== undefined ? [tag] : index.manifests.map((d) => d.annotations?.['org.opencontainers.image.ref.name']).filter((t): t is string => !!t);
  for (const t of tags) {
    const d = (index.manifests as { mediaType?: string; digest: string; annotations?: Record<string, string> }[]).find((x) => x.annotations?.['org.opencontainers.image.ref.name'] === t);
    if (d?.mediaType !== 'application/vnd.oci.image.index.v1+json') {
      await validateImage(await readLayout(dir, t), `${dir}:${t}`);
      continue;
    }
    // A multi-platform index: its own schema, then every platform's image.
    const raw = await readFile(join(blobDir, d.digest.slice(7)));
    const ixProblems: string[] = [];
    checkSchema('index', raw, `${dir}:${t} (index)`, ixProblems);
    if (ixProblems.length) throw new Error(`validation failed:\n  ${ixProblems.join('\n  ')}`);
    for (const m of (JSON.parse(raw.toString('utf8')) as { manifests: { digest: string; platform?: Platform }[] }).manifests) {
      const arch = debianArchOf(m.platform);
      if (!arch) throw new Error(`${dir}:${t}: index entry ${m.digest} has no Linux platform`);
      await validateImage(await readLayout(dir, t, arch), `${dir}:${t} (${arch})`);
    }
  }
}
