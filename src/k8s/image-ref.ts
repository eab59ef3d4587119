// The image a manifest runs: dev by tag, prod pinned by digest (NAME:TAG@sha256:…).
import type { Config } from '../config/types.js';
import { AirlockError } from '../errors.js';
import type { K8sEnv } from './workload.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Where the image reference comes from: `--image`, and the prod digest of the last build's report. */
export interface ImageSource {
  image?: string;
  /** The prod digest recorded by the build (report.json `variants.prod.digest`), when there is a build. */
  prodDigest?: string;
}

/** dev: `--image` or NAME:TAG-dev; prod: `--image` (or NAME:TAG) pinned by its digest, refused without one. */
export function imageRef(config: Config, env: K8sEnv, src: ImageSource): string {
  if (env === 'dev') return src.image ?? `${config.name}:${config.tag}-dev`;
  const named = src.image ?? `${config.name}:${config.tag}`;
  const at = named.indexOf('@');
  if (at >= 0) {
    const digest = named.slice(at + 1);
    if (!DIGEST.test(digest)) {
      const message = `--image ${named}: expected @sha256: and 64 lowercase hex digits`;
      throw new AirlockError('usage', 'k8s-bad-digest', message, {
        hint: 'pass NAME:TAG@sha256:<digest> or NAME:TAG (the digest is then taken from the build\'s report.json)' });
    }
    return named;
  }
  if (src.prodDigest === undefined || !DIGEST.test(src.prodDigest)) {
    throw new AirlockError('usage', 'k8s-no-digest', `prod is deployed by digest, and there is none for ${named}`, {
      hint: 'run `airlock build` first (its report.json has the prod digest; --build DIR names its output folder), '
        + 'or pass --image NAME:TAG@sha256:<digest>' });
  }
  return `${named}@${src.prodDigest}`;
}
