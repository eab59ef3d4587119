// A repository named on the command line: REGISTRY/NAME, without a tag or digest (`docker://` optional).
import { AirlockError } from '../errors.js';
import { parseRegistryRef } from '../sinks/ref.js';

/** A registry host and a repository on it. */
export interface RepoName { host: string; repo: string }

const HINT = 'give REGISTRY/NAME, e.g. 127.0.0.1:5000/acme/app or registry.example.com/team/app';

/** Parses REGISTRY/NAME; errors carry `location` (the flag or argument) and a hint. */
export function parseRepoName(text: string, location: string): RepoName {
  const body = text.startsWith('docker://') ? text.slice('docker://'.length) : text;
  const bad = (message: string, cause?: unknown): never => {
    throw new AirlockError('usage', 'bad-reference', message, { location, hint: HINT, cause });
  };
  let ref: ReturnType<typeof parseRegistryRef> | undefined;
  try {
    ref = parseRegistryRef(body, text);
  } catch (e) {
    if (e instanceof AirlockError) bad(e.message, e);
    throw e;
  }
  const host = ref!.host;
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') {
    bad(`"${text}": "${host}" is not a registry host (a host has a dot or a port, or is localhost)`);
  }
  if (ref!.tag !== undefined || ref!.digest) {
    bad(`"${text}" names an image; give the repository alone, without :TAG or @DIGEST`);
  }
  return { host, repo: ref!.repo };
}
