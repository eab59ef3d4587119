// Image references the evidence commands accept: docker://HOST/REPO[:TAG|@DIGEST], oci:DIR[:REF], docker-archive:FILE, or a layout folder.
import { AirlockError } from '../../errors.js';

/** A parsed image reference. */
export type ImageRef =
  | { kind: 'registry'; host: string; repository: string; reference: string; text: string }
  | { kind: 'layout'; dir: string; reference?: string; text: string }
  | { kind: 'archive'; file: string; text: string };

const USAGE = 'use docker://HOST[:PORT]/REPO[:TAG|@sha256:…], oci:DIR[:TAG], docker-archive:FILE (or a path to an OCI layout folder)';

/** Parses an image reference; a bare path names an OCI layout folder. */
export function parseImageRef(text: string): ImageRef {
  if (text.startsWith('docker://')) {
    const rest = text.slice('docker://'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) throw new AirlockError('usage', 'bad-image-ref', `'${text}' has no registry host`, { hint: USAGE });
    const host = rest.slice(0, slash);
    let path = rest.slice(slash + 1);
    let reference = 'latest';
    const at = path.indexOf('@');
    if (at >= 0) {
      reference = path.slice(at + 1);
      path = path.slice(0, at);
      if (!/^sha256:[0-9a-f]{64}$/.test(reference)) throw new AirlockError('usage', 'bad-image-ref', `'${text}' has a malformed digest`, { hint: USAGE });
    } else {
      const m = /^(.*):([A-Za-z0-9_][A-Za-z0-9._-]{0,127})$/.exec(path);
      if (m) { path = m[1]!; reference = m[2]!; }
    }
    if (!/^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/.test(path)) {
      throw new AirlockError('usage', 'bad-image-ref', `'${path}' in '${text}' is not a valid repository name`, { hint: USAGE });
    }
    return { kind: 'registry', host, repository: path, reference, text };
  }
  if (text.startsWith('oci:')) {
    const rest = text.slice(4);
    const m = /^(.*?):([^/:]+)$/.exec(rest);
    return m ? { kind: 'layout', dir: m[1]!, reference: m[2]!, text } : { kind: 'layout', dir: rest, text };
  }
  if (text.startsWith('docker-archive:')) {
    const file = text.slice('docker-archive:'.length);
    if (!file) throw new AirlockError('usage', 'bad-image-ref', `'${text}' names no file`, { hint: USAGE });
    return { kind: 'archive', file, text };
  }
  if (/^[a-z-]+:\/\//.test(text)) {
    throw new AirlockError('usage', 'bad-image-ref', `unsupported image reference '${text}'`, { hint: USAGE });
  }
  return { kind: 'layout', dir: text, text };
}
