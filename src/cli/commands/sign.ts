// `airlock sign`: signs an image the way cosign does and attaches its evidence as DSSE attestations.
import { resolve } from 'node:path';
import { AirlockError } from '../../errors.js';
import { readPrivateKeyFile } from '../../evidence/key-files.js';
import { evidenceStatements, signImage } from '../../evidence/sign-image.js';
import { homedir } from 'node:os';
import { openImageStore } from '../../evidence/store/open.js';
import type { RegistryAccess } from '../../evidence/store/registry-store.js';
import type { ImageStore } from '../../evidence/store/store.js';
import { bytesStream } from '../../image/blob-store.js';
import type { Digest } from '../../image/digest.js';
import { readDockerArchive } from '../../sinks/docker-archive.js';
import { dockerConfigCredentials } from '../../sinks/registry-auth.js';
import { RegistryError, RegistryTransport } from '../../sinks/registry-http.js';
import { getManifest } from '../../sinks/registry-pull.js';
import { pushBlob, pushManifest } from '../../sinks/registry-push.js';
import { saveSignedLayout } from '../../evidence/store/save-layout.js';
import { parse } from '../args.js';
import type { Command } from '../command.js';

const usage = 'airlock sign IMAGE --key FILE [--insecure] [--name REPO] [--evidence DIR] [--save DIR]   (IMAGE: docker://HOST/REPO:TAG, oci:DIR[:TAG] or docker-archive:FILE)';

/** RegistryAccess over the registry sink (credentials from the docker config, retries, chunked uploads). */
export function sinkRegistryAccess(host: string, repo: string, insecure: boolean, env: NodeJS.ProcessEnv): RegistryAccess {
  const t = new RegistryTransport(host, { insecure, credentials: dockerConfigCredentials(env, homedir()) });
  return {
    async manifest(reference) {
      try {
        const m = await getManifest(t, repo, reference);
        return { bytes: Buffer.from(m.bytes), mediaType: m.mediaType, digest: m.digest };
      } catch (e) {
        if (e instanceof RegistryError && e.status === 404) return undefined;
        throw e;
      }
    },
    async blob(digest) {
      const res = await t.request({ method: 'GET', url: `/v2/${repo}/blobs/${digest}`, scope: `repository:${repo}:pull`, expect: [200] });
      return Buffer.from(await res.arrayBuffer());
    },
    async putBlob(b) {
      await pushBlob(t, repo, { digest: b.digest as Digest, size: b.size, open: () => bytesStream(b.bytes) });
    },
    async putManifest(tag, bytes, mediaType) {
      await pushManifest(t, repo, tag, bytes, mediaType);
    },
  };
}

/** Opens IMAGE for the evidence commands with the sinks wired in (registry, docker-archive). */
export function openStore(ref: string, opts: { insecure: boolean; cwd: string; env: NodeJS.ProcessEnv; repository?: string }): ImageStore {
  return openImageStore(ref, {
    insecure: opts.insecure, cwd: opts.cwd, readArchive: readDockerArchive,
    registry: (host, repo, insecure) => sinkRegistryAccess(host, repo, insecure, opts.env),
    ...(opts.repository ? { repository: opts.repository } : {}),
  });
}

export const command: Command = {
  name: 'sign',
  summary: 'sign an image (cosign-compatible .sig) and attach SBOM/provenance/VEX attestations (.att)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parse('sign', usage, argv, {
      key: { type: 'string' }, save: { type: 'string' }, insecure: { type: 'boolean' }, name: { type: 'string' }, evidence: { type: 'string' }, quiet: { type: 'boolean' },
    });
    if (positionals.length !== 1 || !values.key) throw new AirlockError('usage', 'bad-arguments', 'sign: needs one IMAGE and --key FILE', { hint: `usage: ${usage}` });
    const keyPath = resolve(ctx.cwd, values.key);
    const key = await readPrivateKeyFile(keyPath, ctx.env.AIRLOCK_KEY_PASSWORD);
    const store = openStore(positionals[0]!, { insecure: values.insecure ?? false, cwd: ctx.cwd, env: ctx.env, ...(values.name ? { repository: values.name } : {}) });
    const statements = values.evidence
      ? await evidenceStatements(resolve(ctx.cwd, values.evidence), store.repository, (await store.resolve()).digest)
      : [];
    const r = await signImage(store, key, statements);
    ctx.log.info(`signed ${store.where}@${r.digest}`);
    if (values.save) {
      const dir = resolve(ctx.cwd, values.save);
      await saveSignedLayout(store, dir);
      ctx.log.info(`saved the image with its signature and attestations to ${dir} (cosign --local-image layout)`);
    }
    ctx.stdout(`${r.digest}\n${r.signatureTag}\n${r.attestationTag ? `${r.attestationTag} (${r.attestations.join(', ')})\n` : ''}`);
    return 0;
  },
};
