// sha256 digests: the `Digest` type, one-shot and streaming hashing.
import { createHash, type Hash } from 'node:crypto';
import { AirlockError } from '../errors.js';

/** A content digest, always `sha256:<64 lowercase hex>`. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** True when `s` is a well-formed sha256 digest. */
export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** Checks and narrows a digest string; `what` names it in the error. */
export function parseDigest(s: string, what = 'digest'): Digest {
  if (!isDigest(s)) {
    throw new AirlockError('image', 'bad-digest', `${what} "${s}" is not a sha256 digest`, {
      hint: 'digests look like sha256:<64 lowercase hex characters>',
    });
  }
  return s;
}

/** The 64-hex part of a digest. */
export function hexOf(d: Digest): string {
  return d.slice(7);
}

/** sha256 digest of bytes or a string (UTF-8). */
export function sha256(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Incremental hasher that also counts bytes. */
export class Hasher {
  private readonly h: Hash = createHash('sha256');
  private n = 0;
  private done: Digest | undefined;

  update(chunk: Uint8Array): void {
    if (this.done) throw new AirlockError('internal', 'hasher-finished', 'hasher updated after digest()');
    this.h.update(chunk);
    this.n += chunk.length;
  }

  get size(): number {
    return this.n;
  }

  digest(): Digest {
    this.done ??= `sha256:${this.h.digest('hex')}`;
    return this.done;
  }
}

/** Passes a stream through unchanged while feeding `hasher`. */
export async function* tee(src: AsyncIterable<Uint8Array>, hasher: Hasher): AsyncGenerator<Uint8Array> {
  for await (const chunk of src) {
    hasher.update(chunk);
    yield chunk;
  }
}
