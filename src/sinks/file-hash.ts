// Digests of files on disk, streamed: cached .debs and npm tarballs, build artifacts, the builder rootfs tarball.
import { createHash } from 'node:crypto';
import { readFileStream } from './blob-store.js';

/** The hex digest of a file's bytes (sha256 unless another algorithm is named). */
export async function hashFile(path: string, algorithm: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of readFileStream(path)) h.update(chunk);
  return h.digest('hex');
}
