// HTTP to a registry: scheme by --insecure, auth on 401 (Basic/Bearer), retries with backoff, errors with code/status/URL.
import { AirlockError } from '../errors.js';
import type { Log } from '../log.js';
import { basicAuth, parseChallenge, type CredentialSource } from './registry-auth.js';

/** Options shared by every request to one registry. */
export interface TransportOptions {
  /** Plain HTTP (loopback test registries). */
  insecure?: boolean;
  credentials: CredentialSource;
  /** Attempts after the first on 429/5xx/connection errors (default 4). */
  retries?: number;
  /** First backoff delay; doubles each retry (default 250 ms). */
  backoffMs?: number;
  /**
   * Time allowed for the response headers (after the last piece of a request body), between pieces of an uploaded
   * body, and between chunks of a pulled body (default 10 s). A timeout is retried once, so a registry that never
   * answers fails a command in about 20 s.
   */
  timeoutMs?: number;
  log?: Log;
}

/** One request; `body` is a factory so a retry can send the bytes again. */
export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path (`/v2/...`) or an absolute URL (upload Locations). */
  url: string;
  scope: string;
  headers?: Record<string, string>;
  body?: () => Uint8Array | AsyncIterable<Uint8Array>;
  /** Statuses that count as success; others become RegistryError. */
  expect: number[];
}

/** A failed registry call: registry error code, HTTP status, method and URL (credentials removed). */
export class RegistryError extends AirlockError {
  constructor(readonly status: number, readonly registryCode: string | undefined, readonly method: string, readonly url: string, detail: string) {
    super('image', `registry-${(registryCode ?? `http-${status}`).toLowerCase().replace(/_/g, '-')}`,
      `${method} ${url} → ${status}${registryCode ? ` ${registryCode}` : ''}${detail ? `: ${detail}` : ''}`,
      { hint: status === 401 || status === 403 ? 'check the credentials in ~/.docker/config.json (docker login) and your access to the repository' : 'see the registry error above; retry if it was temporary' });
  }
}

/** Removes user:password@ from a URL for messages. */
export function redactUrl(u: string): string {
  return u.replace(/\/\/[^/@]*@/, '//');
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Parses a registry error body into code and message; reads at most 64 KiB, for at most `timeoutMs`. */
export async function errorInfo(res: Response, timeoutMs = 10_000): Promise<{ code?: string; detail: string }> {
  const text = await boundedText(res, 64 * 1024, timeoutMs);
  try {
    const e = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
    if (e) return { ...(e.code ? { code: e.code } : {}), detail: e.message ?? '' };
  } catch { /* not JSON */ }
  return { detail: text.slice(0, 200).trim() };
}

/** The start of a body as text: up to `max` bytes, what arrived within `ms`; the rest is cancelled. */
async function boundedText(res: Response, max: number, ms: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); });
  try {
    while (n < max) {
      const r = await Promise.race([reader.read().catch(() => undefined), late]);
      if (!r || r.done) break;
      parts.push(r.value);
      n += r.value.length;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).subarray(0, max).toString('utf8');
}

/** Talks HTTP to one registry host. */
export class RegistryTransport {
  private readonly auth = new Map<string, string>();
  readonly base: string;

  constructor(readonly host: string, private readonly opts: TransportOptions) {
    this.base = `${opts.insecure ? 'http' : 'https'}://${host}`;
  }

  /** How long a response may go without data (headers, or the next chunk of a body). */
  get timeoutMs(): number {
    return this.opts.timeoutMs ?? 10_000;
  }

  /** Sends a request with auth and retries; returns the response when its status is expected. */
  async request(spec: RequestSpec): Promise<Response> {
    const url = spec.url.startsWith('http') ? spec.url : this.base + spec.url;
    const retries = this.opts.retries ?? 4;
    let authTried = false;
    let timeouts = 0;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...spec.headers };
      const a = this.auth.get(spec.scope);
      if (a) headers.authorization = a;
      let res: Response;
      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      // Armed now and again each time the body moves on: an upload that stops, or no answer after it, times out.
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => abort.abort(new Error(`no response within ${this.timeoutMs} ms`)), this.timeoutMs);
      };
      const raw = spec.body?.();
      const body = raw && progressBody(raw, arm);
      arm();
      try {
        res = await fetch(url, { method: spec.method, headers, signal: abort.signal, ...(body ? { body: body as unknown as BodyInit, duplex: 'half' } : {}), redirect: 'follow' } as RequestInit);
      } catch (e) {
        if (abort.signal.aborted) timeouts++; // a second timeout is not retried: a command must not hang
        if (attempt < retries && timeouts < 2) { await this.backoff(attempt, `${spec.method} ${redactUrl(url)}: ${causeOf(e)}`); continue; }
        throw new AirlockError('image', 'registry-unreachable', `${spec.method} ${redactUrl(url)} failed: ${causeOf(e)}`, { cause: e, hint: this.opts.insecure ? 'is the registry running?' : 'is the registry running? use --insecure for a plain-HTTP registry' });
      } finally {
        clearTimeout(timer);
      }
      if (spec.expect.includes(res.status)) return res;
      if (res.status === 401 && !authTried) {
        authTried = true;
        const header = await this.authorize(res, spec.scope);
        if (header) { await res.body?.cancel(); this.auth.set(spec.scope, header); attempt--; continue; }
      }
      if (RETRY_STATUS.has(res.status) && attempt < retries) {
        const after = Number(res.headers.get('retry-after'));
        await res.body?.cancel();
        await this.backoff(attempt, `${spec.method} ${redactUrl(url)} → ${res.status}`, Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 10_000) : undefined);
        continue;
      }
      const info = await errorInfo(res, this.timeoutMs);
      throw new RegistryError(res.status, info.code, spec.method, redactUrl(url), info.detail);
    }
  }

  private async backoff(attempt: number, what: string, ms?: number): Promise<void> {
    const delay = ms ?? (this.opts.backoffMs ?? 250) * 2 ** attempt;
    this.opts.log?.warn(`${what}; retrying in ${delay} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }

  /** Answers a 401 challenge: Basic from stored credentials, or a Bearer token from the realm. */
  private async authorize(res: Response, scope: string): Promise<string | undefined> {
    const ch = parseChallenge(res.headers.get('www-authenticate'));
    const creds = await this.opts.credentials(this.host);
    if (!ch) return creds ? basicAuth(creds) : undefined;
    if (ch.scheme === 'basic') return creds ? basicAuth(creds) : undefined;
    const realm = ch.params.realm;
    if (!realm) return undefined;
    let u: URL;
    try { u = new URL(realm); } catch (cause) {
      const message = `${this.host} asks for a token from "${realm}", which is not a URL`;
      throw new AirlockError('image', 'registry-bad-challenge', message, {
        cause, hint: 'the registry\'s WWW-Authenticate header is malformed',
      });
    }
    if (ch.params.service) u.searchParams.set('service', ch.params.service);
    u.searchParams.set('scope', ch.params.scope ?? scope);
    const where = redactUrl(`${u.origin}${u.pathname}`);
    let tr: Response;
    let text: string;
    try {
      const signal = AbortSignal.timeout(this.timeoutMs);
      tr = await fetch(u, { headers: creds ? { authorization: basicAuth(creds) } : {}, signal });
      if (!tr.ok) {
        const info = await errorInfo(tr, this.timeoutMs);
        const detail = `token request failed${info.detail ? `: ${info.detail}` : ''}`;
        throw new RegistryError(tr.status, info.code ?? 'UNAUTHORIZED', 'GET', where, detail);
      }
      text = await tr.text();
    } catch (e) {
      if (e instanceof AirlockError) throw e;
      throw new AirlockError('image', 'registry-unreachable', `GET ${where} (token) failed: ${causeOf(e)}`, {
        cause: e, hint: 'is the token service reachable?',
      });
    }
    let t: { token?: unknown; access_token?: unknown } | null;
    try { t = JSON.parse(text) as typeof t; } catch (cause) {
      throw new AirlockError('image', 'registry-bad-response', `GET ${where} (token): the answer is not JSON`, {
        cause, hint: 'the token service answered with something else than a token',
      });
    }
    const token = [t?.token, t?.access_token].find((x): x is string => typeof x === 'string');
    return token ? `Bearer ${token}` : undefined;
  }
}

/** A request body handed out in pieces of at most 64 KiB, calling `moved` before each piece and after the last. */
async function* progressBody(
  body: Uint8Array | AsyncIterable<Uint8Array>, moved: () => void,
): AsyncGenerator<Uint8Array> {
  const PIECE = 64 * 1024;
  const pieces = async function* () { if (body instanceof Uint8Array) yield body; else yield* body; };
  for await (const chunk of pieces()) {
    for (let at = 0; at < chunk.length; at += PIECE) { moved(); yield chunk.subarray(at, at + PIECE); }
  }
  moved();
}

function causeOf(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as Error)?.message ?? String(e);
}
