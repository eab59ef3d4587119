// A TLS client of an image against an HTTPS server on loopback signed by a fresh test CA: first as built (the CA is
// not trusted), then with the CA added to the image's own trust store, then with that trust store removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { makeTestPki, startHttpsServer } from './pki.js';
import { runUnpacked, unpackImage, type RunOptions, type RunResult, type UnpackedImage } from './oci-runtime.js';

/** What the HTTPS server answers. */
export const TLS_BODY = 'hello over TLS\n';

/** The probe scripts a test binds into an image (read-only, at /probe). */
export const PROBE_SCRIPTS = join(repoRoot, 'test', 'fixtures', 'tls-probe');

/** The three runs of a TLS probe, and the image path of the trust store that was edited and then removed. */
export interface TlsProbeResults {
  untrusted: RunResult;
  trusted: RunResult;
  withoutStore: RunResult;
  store: string;
}

export interface TlsProbe {
  /**
   * How to run the image's client against `url` (https://127.0.0.1:PORT/; the certificate names 127.0.0.1 and
   * localhost), e.g. with the interpreter of the image's entrypoint.
   */
  client(url: string, image: UnpackedImage): Pick<RunOptions, 'entrypoint' | 'args' | 'binds' | 'env'>;
  /** Adds a PEM CA to the image's own trust store; returns that store's image path (removed for the last run). */
  trust(image: UnpackedImage, caPem: string): string;
}

/** Unpacks `layoutDir:tag`, runs its client read-only on the host's network three times (see above), cleans up. */
export async function probeTls(layoutDir: string, tag: string, probe: TlsProbe): Promise<TlsProbeResults> {
  const work = mkdtempSync(join(tmpdir(), 'airlock-tls-'));
  const pki = makeTestPki('airlock test CA');
  const server = await startHttpsServer(pki, TLS_BODY);
  try {
    const image = unpackImage(layoutDir, tag, join(work, 'bundle'));
    const client = probe.client(`https://127.0.0.1:${server.port}/`, image);
    const opts: RunOptions = { readOnly: true, hostNetwork: true, ...client };
    const untrusted = await runUnpacked(image, opts);
    const store = probe.trust(image, pki.caCert);
    const trusted = await runUnpacked(image, opts);
    rmSync(join(image.rootfs, store));
    const withoutStore = await runUnpacked(image, opts);
    return { untrusted, trusted, withoutStore, store };
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
