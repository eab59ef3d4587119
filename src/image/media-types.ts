// OCI and Docker media types used by the model and the sinks.

/** Media types of OCI objects. */
export const MediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  empty: 'application/vnd.oci.empty.v1+json',
  layoutHeader: 'application/vnd.oci.layout.header.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
} as const;

/** Annotation keys we read or write. */
export const Annotation = {
  refName: 'org.opencontainers.image.ref.name',
  created: 'org.opencontainers.image.created',
  baseName: 'org.opencontainers.image.base.name',
  baseDigest: 'org.opencontainers.image.base.digest',
} as const;

/** cosign's layout annotation `kind` and its values: which index entries are images and which their signatures. */
export const CosignKind = {
  annotation: 'kind',
  image: 'dev.cosignproject.cosign/image',
  sigs: 'dev.cosignproject.cosign/sigs',
  atts: 'dev.cosignproject.cosign/atts',
} as const;

/** The empty JSON blob `{}` used as config of artifact manifests. */
export const EMPTY_JSON = {
  bytes: new Uint8Array([0x7b, 0x7d]),
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
} as const;

/** True for media types that name a single-image manifest (OCI or Docker). */
export function isManifestType(mt: string | undefined): boolean {
  return mt === MediaType.manifest || mt === MediaType.dockerManifest;
}

/** True for media types that name an index (OCI or Docker manifest list). */
export function isIndexType(mt: string | undefined): boolean {
  return mt === MediaType.index || mt === MediaType.dockerManifestList;
}
