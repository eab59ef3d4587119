// The images an exported Dockerfile builds FROM, made from airlock's own variants: the builder (the rootfs layer and
// a registry toolchain's layer, as dev starts) and prod's runtime base (prod without its artifacts layer).
import { newImage, type Image } from '../image/image.js';
import type { Variants } from '../pipeline/result.js';

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The builder and runtime base images of one build (deterministic: same variants, same digests). */
export function baseImages(
  variants: Variants, opts: { upstream: boolean; epoch: number; architecture: string },
): { builder: Image; runtime: Image } {
  const dev = variants.dev.image;
  const prod = variants.prod.image;
  const builder = newImage({
    layers: dev.layers.slice(0, opts.upstream ? 2 : 1), architecture: opts.architecture, os: 'linux', epoch: opts.epoch,
    config: { Env: [PATH_ENV, 'LANG=C.UTF-8'], WorkingDir: '/', Labels: { 'dev.airlock.base': 'builder' } },
  });
  const c = prod.config.config ?? {};
  const runtime = newImage({
    layers: prod.layers.slice(0, -1), architecture: opts.architecture, os: 'linux', epoch: opts.epoch,
    config: {
      ...(c.User ? { User: c.User } : {}),
      ...(c.Env ? { Env: [...c.Env] } : {}),
      ...(c.WorkingDir ? { WorkingDir: c.WorkingDir } : {}),
    },
  });
  return { builder, runtime };
}
