// The trust stores of an unpacked image, found the way its programs find them, and honest edits of them: a test CA
// appended to the image's own CA bundle or imported into its own Java key store.
import { spawnSync } from 'node:child_process';
import { appendFileSync, lstatSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { UnpackedImage } from './oci-runtime.js';

/** An absolute path of the image with its symlinks followed inside the unpacked root, as the container sees it. */
export function resolveInRoot(rootfs: string, path: string): string {
  let parts = path.split('/').filter(Boolean);
  for (let i = 0, hops = 0; i < parts.length; i++) {
    const here = `/${parts.slice(0, i + 1).join('/')}`;
    let link: string;
    try {
      if (!lstatSync(join(rootfs, here)).isSymbolicLink()) continue;
      link = readlinkSync(join(rootfs, here));
    } catch {
      break; // the rest does not exist: the path stays as it is
    }
    if (++hops > 40) throw new Error(`${path}: too many symbolic links in ${rootfs}`);
    const target = link.startsWith('/') ? link : posix.join(posix.dirname(here), link);
    parts = [...posix.normalize(target).split('/').filter(Boolean), ...parts.slice(i + 1)];
    i = -1;
  }
  return `/${parts.join('/')}`;
}

/** The value of `name` in the environment of the image's process, if set. */
export function imageEnv(image: UnpackedImage, name: string): string | undefined {
  const entry = (image.spec.process.env as string[]).find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** The CA bundle OpenSSL-based clients of the image read (SSL_CERT_FILE, else Debian's bundle path), resolved. */
export function caBundlePath(image: UnpackedImage): string {
  return resolveInRoot(image.rootfs, imageEnv(image, 'SSL_CERT_FILE') ?? '/etc/ssl/certs/ca-certificates.crt');
}

/** Appends a PEM certificate to the image's CA bundle; returns the bundle's image path. */
export function trustInBundle(image: UnpackedImage, pem: string): string {
  const bundle = caBundlePath(image);
  appendFileSync(join(image.rootfs, bundle), pem.endsWith('\n') ? pem : `${pem}\n`);
  return bundle;
}

/** A Java key store of an image: its (resolved) image path and password. */
export interface JavaTrustStore {
  path: string;
  password: string;
}

/**
 * The key store the image's JVM trusts (resolved) and its password: javax.net.ssl.trustStore when the entrypoint,
 * JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS sets it, else java.home/lib/security/cacerts, java.home being where the
 * entrypoint's java (or the first java on the image's PATH) really is.
 */
export function javaTrustStore(image: UnpackedImage): JavaTrustStore {
  const options = ['JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS'].flatMap((n) => (imageEnv(image, n) ?? '').split(/\s+/));
  const words = [...image.entrypoint, ...options];
  const property = (name: string) => words.find((w) => w.startsWith(`-D${name}=`))?.slice(name.length + 3);
  const password = property('javax.net.ssl.trustStorePassword') ?? 'changeit';
  const set = property('javax.net.ssl.trustStore');
  if (set) return { path: resolveInRoot(image.rootfs, set), password };
  const exists = (p: string) => lstatSync(join(image.rootfs, p), { throwIfNoEntry: false }) !== undefined;
  const onPath = (imageEnv(image, 'PATH') ?? '').split(':').filter(Boolean).map((d) => posix.join(d, 'java'));
  const isJava = (p: string) => posix.basename(p) === 'java' && exists(resolveInRoot(image.rootfs, p));
  const java = [image.entrypoint[0] ?? '', ...onPath].find(isJava);
  if (!java) throw new Error(`no java in the image (entrypoint ${image.entrypoint.join(' ')}, PATH ${onPath.join(' ')})`);
  const home = posix.dirname(posix.dirname(resolveInRoot(image.rootfs, java)));
  return { path: resolveInRoot(image.rootfs, posix.join(home, 'lib/security/cacerts')), password };
}

/** Imports a PEM certificate as a trusted CA into a key store of the image with the host's keytool. */
export function trustInKeystore(image: UnpackedImage, store: JavaTrustStore, pem: string, alias: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-ca-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), pem);
    const args = ['-importcert', '-noprompt', '-alias', alias, '-file', join(dir, 'ca.pem'),
      '-keystore', join(image.rootfs, store.path), '-storepass', store.password];
    const r = spawnSync('keytool', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`keytool ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
