// The anti-patterns of multi-stage Dockerfiles that `airlock lint` reports: each rule's id, severity and fix hint.
// The seeds (the builder pattern, its troubleshooting and its security notes) name them; docs/lint.md lists them.

export type Severity = 'error' | 'warning';

export interface Rule {
  id: string;
  severity: Severity;
  /** One line: what is wrong. */
  summary: string;
  /** What to do instead. */
  hint: string;
}

export const RULES = {
  'final-build-tools': {
    severity: 'error',
    summary: 'the final stage ships compilers or build tools',
    hint: 'build in an earlier stage and COPY --from=<stage> only the artifacts into a slim final stage',
  },
  'whole-tree-copy': {
    severity: 'error',
    summary: 'the final stage copies a whole file system from another stage',
    hint: 'COPY --from=<stage> the built artifacts by path, not /',
  },
  'source-in-final': {
    severity: 'warning',
    summary: 'the final stage of a multi-stage build copies the whole build context (the source)',
    hint: 'copy the build output from the build stage; the source belongs in the builder, not in prod',
  },
  'secret-in-arg-env': {
    severity: 'error',
    summary: 'a secret is passed in ARG or ENV, which the image history or config keeps',
    hint: 'use a build secret: RUN --mount=type=secret,id=<id> (docker build --secret id=<id>,src=FILE)',
  },
  'secret-file-copied': {
    severity: 'error',
    summary: 'a key or secrets file is copied into the image',
    hint: 'mount it only where it is needed with RUN --mount=type=secret, and list it in .dockerignore',
  },
  'deps-after-source': {
    severity: 'warning',
    summary: 'dependencies are installed after the whole source is copied, so every source change reinstalls them',
    hint: 'COPY only the dependency manifests (package.json and lock, go.mod/go.sum, requirements.txt, …) first, install, then COPY the rest',
  },
  'final-user-root': {
    severity: 'error',
    summary: 'the final stage runs as root',
    hint: 'add USER 65532:65532 (or another non-root uid) to the final stage',
  },
  'apt-recommends': {
    severity: 'warning',
    summary: 'apt-get install without --no-install-recommends pulls in packages nobody asked for',
    hint: 'apt-get install -y --no-install-recommends …',
  },
  'apt-lists-kept': {
    severity: 'warning',
    summary: 'apt lists are left in the layer that installs packages',
    hint: 'end the same RUN with && rm -rf /var/lib/apt/lists/*, or mount /var/lib/apt as a cache',
  },
  'base-latest': {
    severity: 'error',
    summary: 'a base image has the mutable tag latest (or no tag, which means latest)',
    hint: 'name a version and pin it by digest: FROM image:1.2.3@sha256:…',
  },
  'base-unpinned': {
    severity: 'warning',
    summary: 'a base image is named by tag only; the tag can move to other content',
    hint: 'pin it by digest: FROM image:tag@sha256:…',
  },
  'add-url': {
    severity: 'error',
    summary: 'ADD of a URL downloads unverified content at build time',
    hint: 'download in a RUN step that checks a sha256, or use ADD --checksum=sha256:…',
  },
  'curl-pipe-shell': {
    severity: 'error',
    summary: 'a script downloaded at build time is piped into a shell',
    hint: 'download the script, check its sha256, then run it (or install the tool from a package)',
  },
} as const satisfies Record<string, Omit<Rule, 'id'>>;

export type RuleId = keyof typeof RULES;

export function rule(id: RuleId): Rule {
  return { id, ...RULES[id] };
}

/** docs/lint.md: the rule table (a unit test checks the file is this text). */
export function rulesMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = Object.entries(RULES).map(([id, r]) => `| \`${id}\` | ${r.severity} | ${cell(r.summary)} | ${cell(r.hint)} |`);
  return [
    '# `airlock lint` rules', '',
    'What `airlock lint` reports in a Dockerfile, from the anti-patterns the builder pattern warns about. Errors make it exit 6;',
    'warnings are printed and exit 0. Generated from `src/lint/rules.ts` (a unit test keeps this table in step).', '',
    '| rule | severity | what is wrong | what to do |', '|---|---|---|---|', ...rows, '',
    'Bases that are earlier stages (`FROM build`) or `scratch` are not judged as images; a `FROM` whose image stays a',
    'variable after the `ARG` defaults before the first `FROM` is not judged either.', '',
  ].join('\n');
}
