// The content-addressed blob store interface the model writes into, and an in-memory implementation.
import { AirlockError } from '../errors.js';
import { Hasher, type Digest } from './digest.js';

/** Where blobs live while an image is assembled (a layout directory, memory, …). */
export interface BlobStore {
  /** Stores a stream; when `expected` is given the content must hash to it. */
  put(stream: AsyncIterable<Uint8Array>, expected?: Digest): Promise<{ digest: Digest; size: number }>;
  /** Opens a stored blob. */
  open(digest: Digest): AsyncIterable<Uint8Array>;
  has(digest: Digest): Promise<boolean>;
  /** The file a stored blob lies in (stores on disk): a writer may copy it without streaming it through this thread. */
  path?(digest: Digest): string;
}

/** Error for a blob whose content does not match its digest. */
export function digestMismatch(where: string, expected: Digest, got: Digest): AirlockError {
  return new AirlockError('image', 'digest-mismatch', `${where}: content hashes to ${got}, expected ${expected}`, {
    hint: 'the blob is corrupt or was changed; fetch or rebuild it',
  });
}

/** A BlobStore in memory (tests, small artifacts). */
export function memoryBlobStore(): BlobStore & { blobs: Map<Digest, Uint8Array> } {
  const blobs = new Map<Digest, Uint8Array>();
  return {
    blobs,
    async put(stream, expected) {
      const h = new Hasher();
      const parts: Uint8Array[] = [];
      for await (const c of stream) { h.update(c); parts.push(c); }
      const digest = h.digest();
      if (expected && expected !== digest) throw digestMismatch('blob', expected, digest);
      blobs.set(digest, Buffer.concat(parts));
      return { digest, size: h.size };
    },
    open(digest) {
      const b = blobs.get(digest);
      if (!b) throw new AirlockError('image', 'blob-unknown', `blob ${digest} is not in the store`);
      return (async function* () { yield b; })();
    },
    async has(digest) {
      return blobs.has(digest);
    },
  };
}

/** Yields a byte array as a one-chunk stream. */
export async function* bytesStream(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

/** Collects a stream into one byte array (only for small blobs such as manifests and configs). */
export async function collect(stream: AsyncIterable<Uint8Array>, max = 64 * 1024 * 1024): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of stream) {
    n += c.length;
    if (n > max) throw new AirlockError('image', 'blob-too-large', `blob larger than ${max} bytes where a small JSON document was expected`);
    parts.push(c);
  }
  return Buffer.concat(parts, n);
}
