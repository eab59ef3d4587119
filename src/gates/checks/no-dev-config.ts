// no-dev-config: the development overlay of the app config (or the config merged with it) is not in prod.
import { createHash } from 'node:crypto';
import type { Check, Finding } from '../types.js';

/** Looks at every file whose size is one of the forbidden files' and compares sha256 digests. */
export const noDevConfig: Check = {
  id: 'no-dev-config',
  severity: 'error',
  profiles: ['prod'],
  description: 'the development overlay of app_config (or the config merged with it) is not in prod',
  applies: (ctx) => (ctx.config.devConfig?.length ?? 0) > 0,
  scanner: (_fs, ctx) => {
    const forbidden = ctx.config.devConfig ?? [];
    const sizes = new Set(forbidden.map((f) => f.size));
    return {
      shadowed: true,
      wants: (e) => (sizes.has(e.size) ? e.size : 0),
      inspect(e, bytes) {
        const sha = createHash('sha256').update(bytes).digest('hex');
        const hit = forbidden.find((f) => f.sha256 === sha && f.size === e.size);
        return hit ? [{ id: 'no-dev-config', severity: 'error', path: e.path, layer: e.layer,
          message: `/${e.path} is the ${hit.what}; prod gets the production config` } as Finding] : [];
      },
    };
  },
  run: () => [],
};
