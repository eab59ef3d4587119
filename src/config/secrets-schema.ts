// `secrets`: values taken from the host for the build steps only (never in an image, a cache entry or a record).
import { z } from 'zod';

/** A secret id: the file name under /run/secrets and the word in cache keys. */
export const SECRET_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The build phases a secret can be given to. */
export const SECRET_PHASES = ['fetch', 'build', 'test'] as const;

const envName = z.string().regex(ENV_NAME, { error: 'expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' });
const id = z.string().regex(SECRET_ID, { error: 'expected an id: a letter or digit, then up to 63 of [A-Za-z0-9_.-]' });

/** One build secret. */
export const Secret = z.strictObject({
  id: id.describe('Required. The secret\'s name: steps read it at /run/secrets/ID; cache keys and records use only '
    + 'this id. Example: npm_token'),
  env: envName.optional().describe('One of env and file. The host environment variable holding the value. '
    + 'Example: NPM_TOKEN'),
  file: z.string().min(1).optional().describe('One of env and file. A host file holding the value, relative to the '
    + 'config file (no ~ expansion). Example: ../secrets/npm-token'),
  as_env: envName.optional().describe('Optional. Also set this environment variable in the steps that get the '
    + 'secret (read from the /run/secrets file inside the sandbox; a trailing newline is dropped). Default: none. '
    + 'Example: NPM_TOKEN'),
  phases: z.array(z.enum(SECRET_PHASES, { error: 'expected fetch, build or test' })).min(1).optional().describe(
    'Optional. The phases whose steps get the secret. Default: [fetch, build, test]. Example: [fetch]'),
}).describe('A value from the host that build steps read at /run/secrets/ID (a tmpfs); it never reaches a layer, the '
  + 'step cache, the plan, the log, report.json or evidence, and every build scans each image for it (raw and '
  + 'base64): a find fails the build (exit 6).');

/** `secrets` as written. */
export const Secrets = z.array(Secret).describe('Optional. Build secrets taken from the host (env or file), given to '
  + 'the fetch, build and test steps as files on a tmpfs at /run/secrets/ID. Default: none.');

/** One secret as written. */
export type WrittenSecret = z.infer<typeof Secret>;
