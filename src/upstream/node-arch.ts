// The official Node.js builds on the npm registry, by Debian architecture (no semver here: the language packs load it
// at every build).
import { AirlockError } from '../errors.js';

/** Debian architecture → the suffix of the official Node.js build packages on the npm registry. */
export const NODE_ARCH: Record<string, string> = { amd64: 'x64', arm64: 'arm64', armhf: 'armv7l', ppc64el: 'ppc64le', s390x: 's390x' };

/** The npm package that carries the official Node.js binary for a Debian architecture. */
export function nodePackageFor(architecture: string): string {
  const a = NODE_ARCH[architecture];
  if (!a) {
    throw new AirlockError('usage', 'upstream-arch', `there is no official Node.js build for the Debian architecture ${architecture}`, {
      location: 'debian.architecture', hint: `use one of ${Object.keys(NODE_ARCH).join(', ')}, or a Node.js version that Debian has`,
    });
  }
  return `node-linux-${a}`;
}
