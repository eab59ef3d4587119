// no-secrets: private keys, credential files with tokens and high-confidence token patterns, in every layer.
import type { Check, Finding } from '../types.js';
import { credentialFile, findSecrets } from './secret-patterns.js';

const TEXT_SCAN_BYTES = 1024 * 1024;

/** Scans file content (also files hidden by later layers); findings name path and layer, never the secret. */
export const noSecrets: Check = {
  id: 'no-secrets',
  severity: 'error',
  profiles: ['any'],
  description: 'no private keys (PEM, OpenSSH, PKCS#8, PGP), no credential files with tokens (.env, .npmrc, .netrc, .git-credentials, cloud CLIs), no high-confidence tokens (AWS, GitHub, GitLab, Slack, Google, Stripe, npm, PyPI) — in every layer, including deleted files',
  scanSettings: (ctx) => ({ maxScanBytes: ctx.config.maxScanBytes ?? null }),
  scanner: (_fs, ctx) => {
    const limit = ctx.config.maxScanBytes ?? TEXT_SCAN_BYTES;
    return {
      shadowed: true,
      wants: (e) => (e.size > 0 ? limit : 0),
      inspect(e, bytes, meta) {
        const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
        const kinds = new Set(findSecrets(text));
        const cred = credentialFile(e.path);
        if (cred && cred.token.test(text)) kinds.add(cred.kind);
        return [...kinds].sort().map((kind): Finding => ({
          id: 'no-secrets', severity: 'error', path: e.path, layer: e.layer,
          message: `${kind} in /${e.path} (layer ${e.layer}${meta.hidden ? ', hidden by a later layer but still shipped' : ''})`,
        }));
      },
    };
  },
  run: () => [],
};

