// Digests of files on disk, streamed: cached .debs and npm tarballs, build artifacts, the builder rootfs tarball.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The hex digest of a file's bytes (sha256 unless another algorithm is named). */
export async function hashFile(path: string, algorithm: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
