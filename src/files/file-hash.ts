// Digests of files on disk, streamed: cached .debs and npm tarballs, build artifacts, the builder rootfs tarball.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const CHUNK = 1024 * 1024;

/**
 * The hex digest of a file's bytes (sha256 unless another algorithm is named). One buffer per call, sized to the file
 * (at most 1 MiB): the step cache hashes thousands of small files, and a stream's 1 MiB buffer per read was garbage.
 */
export async function hashFile(path: string, algorithm: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
  const h = createHash(algorithm);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, (await fh.stat()).size + 1));
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}
