// The images of a finished build in its OCI layout: the entries tagged TAG-dev, TAG-prod and TAG-test.
import { join } from 'node:path';
import { AirlockError } from '../errors.js';
import type { Image } from '../image/image.js';
import { Annotation, isIndexType } from '../image/media-types.js';
import { exists } from '../sinks/blob-store.js';
import { isCosignAttachment, readLayout, readLayoutIndex } from '../sinks/oci-layout.js';

export type Variant = 'dev' | 'prod' | 'test';
export const VARIANTS: readonly Variant[] = ['dev', 'prod', 'test'];

/** Each variant's tag in the layout and its image. */
export type BuildImages = Record<Variant, { tag: string; image: Image }>;

/** Reads the three variants from the layout `dir` (a build's `OUT/oci`). */
export async function readBuildImages(dir: string): Promise<BuildImages> {
  if (!(await exists(join(dir, 'index.json')))) {
    throw new AirlockError('usage', 'no-build-output', `${dir} holds no build output (no OCI layout)`, {
      hint: 'run airlock build first, or pass --out DIR of the build (or -c FILE of its config)',
    });
  }
  const tags = (await readLayoutIndex(dir)).manifests
    .filter((d) => !isCosignAttachment(d))
    .map((d) => d.annotations?.[Annotation.refName])
    .filter((t): t is string => !!t);
  const bases = [...new Set(tags.filter((t) => t.endsWith('-prod')).map((t) => t.slice(0, -'-prod'.length)))]
    .filter((b) => VARIANTS.every((v) => tags.includes(`${b}-${v}`)));
  if (bases.length !== 1) {
    const found = tags.join(', ') || 'none';
    throw new AirlockError('usage', 'no-build-output', `${dir} does not hold exactly one build (tags: ${found})`, {
      hint: 'a build writes TAG-dev, TAG-prod and TAG-test; build again into a fresh --out folder',
    });
  }
  const indexed = (await readLayoutIndex(dir)).manifests.some((d) => d.annotations?.[Annotation.refName] === `${bases[0]}-prod` && isIndexType(d.mediaType));
  if (indexed) {
    throw new AirlockError('usage', 'multi-platform-publish', `${dir} holds a multi-platform build (its tags are image indexes); publishing indexes is not supported yet`, {
      hint: 'publish one platform with --out OUT/platforms/ARCH, or push an index with airlock copy oci:OUT/oci:TAG-prod docker://REGISTRY/NAME:VERSION',
    });
  }
  const out = {} as BuildImages;
  for (const v of VARIANTS) out[v] = { tag: `${bases[0]}-${v}`, image: await readLayout(dir, `${bases[0]}-${v}`) };
  return out;
}
