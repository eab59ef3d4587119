// One error type for the whole tool: a stable code, an exit code by error class, a hint for the user, and a cause.

/** Exit codes by error class (documented in the README). */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2, // bad command line or bad config
  packages: 3, // Debian resolution, lock, fetch, cache, rootfs
  build: 4, // a build/test step failed in the sandbox
  image: 5, // image assembly, sinks, registries, archives
  policy: 6, // gates, audit, verification failures
} as const;
export type ExitCodeName = keyof typeof ExitCode;

export interface AirlockErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
  /** Where in the user's input the problem is, e.g. "airlock.yaml:12:3 (build.steps[0])". */
  location?: string;
}

/** Base error: `code` is a machine-readable string, `exitCode` follows the error class. */
export class AirlockError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly location: string | undefined;

  constructor(kind: ExitCodeName, code: string, message: string, opts: AirlockErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AirlockError';
    this.code = code;
    this.exitCode = ExitCode[kind];
    this.hint = opts.hint;
    this.location = opts.location;
  }
}

/** Formats an error for the terminal: location, message, hint. */
export function formatError(err: unknown): string {
  if (err instanceof AirlockError) {
    const lines = [`error[${err.code}]: ${err.location ? `${err.location}: ` : ''}${err.message}`];
    if (err.hint) lines.push(`  hint: ${err.hint}`);
    return lines.join('\n');
  }
  const e = err as Error;
  return `internal error: ${e?.stack ?? String(err)}`;
}
