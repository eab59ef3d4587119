// Registry credentials from ~/.docker/config.json and the WWW-Authenticate challenge (Basic, Bearer token).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../errors.js';

/** A username/password (or token) pair for one registry host. */
export interface Credentials {
  username: string;
  password: string;
}

/** Looks up credentials for a registry host. */
export type CredentialSource = (host: string) => Promise<Credentials | undefined>;

/** Parses a docker config document into a host → credentials map (`auth` or `username`/`password` fields). */
export function parseDockerConfig(json: unknown, where: string): Map<string, Credentials> {
  const out = new Map<string, Credentials>();
  const auths = (json as { auths?: Record<string, { auth?: string; username?: string; password?: string }> })?.auths ?? {};
  for (const [key, v] of Object.entries(auths)) {
    const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (v.auth) {
      const plain = Buffer.from(v.auth, 'base64').toString('utf8');
      const i = plain.indexOf(':');
      if (i < 0) throw new AirlockError('usage', 'bad-docker-config', `${where}: the "auth" entry for ${key} is not base64 of user:password`, { hint: 'run `docker login` again or fix the file' });
      out.set(host, { username: plain.slice(0, i), password: plain.slice(i + 1) });
    } else if (v.username !== undefined && v.password !== undefined) {
      out.set(host, { username: v.username, password: v.password });
    }
  }
  return out;
}

/** Credentials from `$DOCKER_CONFIG/config.json` or `<home>/.docker/config.json` (a missing file means none). */
export function dockerConfigCredentials(env: NodeJS.ProcessEnv, home: string): CredentialSource {
  const file = env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker', 'config.json');
  let cache: Promise<Map<string, Credentials>> | undefined;
  const load = async () => {
    let text: string;
    try { text = await readFile(file, 'utf8'); } catch { return new Map<string, Credentials>(); }
    try { return parseDockerConfig(JSON.parse(text), file); } catch (e) {
      if (e instanceof AirlockError) throw e;
      throw new AirlockError('usage', 'bad-docker-config', `${file} is not valid JSON`, { cause: e, hint: 'fix or remove the file' });
    }
  };
  return async (host) => (await (cache ??= load())).get(host);
}

/** No credentials at all. */
export const noCredentials: CredentialSource = async () => undefined;

/** A parsed WWW-Authenticate challenge. */
export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme, params };
}

/** The Basic Authorization header value for credentials. */
export function basicAuth(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
