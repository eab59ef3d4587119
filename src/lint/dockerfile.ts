// Lints a Dockerfile for the anti-patterns of the builder pattern (rules.ts). Parsing is dockerfile-ast's, the parser
// of the VS Code Docker tooling; this file only walks its stages and instructions. Pure: text in, findings out.
import { DockerfileParser, type Argument, type From, type Instruction } from 'dockerfile-ast';

/** A range as dockerfile-ast gives it (0-based line and character). */
type Range = ReturnType<Instruction['getRange']>;
import { AirlockError } from '../errors.js';
import { rule, type RuleId, type Severity } from './rules.js';

export interface LintFinding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  rule: RuleId;
  severity: Severity;
  message: string;
  hint: string;
}

const KEYWORDS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR',
  'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

/** Official images (Docker Hub's library) whose every variant carries a compiler or a build tool. */
const BUILD_IMAGES = new Set(['gcc', 'golang', 'rust', 'maven', 'gradle', 'buildpack-deps', 'sbt', 'openjdk', 'mcr.microsoft.com/dotnet/sdk']);
/** Official images whose full (not slim, not alpine) variants are buildpack-deps, with gcc and make. */
const FULL_IS_BUILD = new Set(['node', 'python', 'ruby', 'perl', 'php']);
/** An image name as Docker Hub's library names it ("docker.io/library/node" → "node"); others unchanged. */
const official = (name: string) => name.replace(/^(?:docker\.io\/)?(?:library\/)?(?=[^/]+$)/, '');
const BUILD_PACKAGES = new Set([
  'build-essential', 'gcc', 'g++', 'make', 'cmake', 'clang', 'cargo', 'rustc', 'golang', 'golang-go', 'default-jdk',
  'default-jdk-headless', 'maven', 'gradle', 'autoconf', 'automake', 'libtool', 'build-base', 'ninja-build', 'meson',
]);
const INSTALL = /\b(?:apt-get|apt|yum|dnf|microdnf|apk|zypper)\s+(?:[^|;&]*?\s)?(?:install|add)\s+([^|;&]*)/g;
const COMPILE = /(?:^|[\s;&|(])(?:go\s+build|cargo\s+build|make|cmake|gcc|g\+\+|cc|javac|mvn|gradle|tsc|npm\s+run\s+build)(?=$|[\s;&|)])/;
const DEPS_INSTALL = /\b(?:npm\s+(?:ci|install|i)|yarn(?:\s+install)?(?=$|[\s;&|])|pnpm\s+install|pip3?\s+install\s+(?:[^|;&]*\s)?-r|go\s+mod\s+download|cargo\s+fetch|mvn\s+[^|;&]*dependency:|bundle\s+install|composer\s+install|poetry\s+install)/;
const SECRET_NAME = /(?:^|_)(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CREDENTIALS?)(?:$|_)/i;
const SECRET_FILE = /^(?:\.env(?:\.(?!example$|sample$|template$)[^/]+)?|id_(?:rsa|dsa|ecdsa|ed25519)|[^/]*\.(?:pem|key|p12|pfx|jks)|\.npmrc|\.netrc|\.pypirc|\.git-credentials|credentials(?:\.json)?)$/i;
const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:sh|bash|zsh|dash|ash|python3?|perl)\b/;

interface Stage { from: From; name: string | undefined; body: Instruction[] }

/** Findings of one Dockerfile's text, in line order; a file that is not a Dockerfile is a usage error at line:col. */
export function lintDockerfile(text: string, file: string): LintFinding[] {
  const df = DockerfileParser.parse(text);
  const instructions = df.getInstructions();
  const at = (r: Range) => `${file}:${r.start.line + 1}:${r.start.character + 1}`;
  const bad = (r: Range, msg: string, hint: string): never => {
    throw new AirlockError('usage', 'bad-dockerfile', msg, { location: at(r), hint });
  };
  for (const i of instructions) {
    if (!KEYWORDS.has(i.getKeyword())) bad(i.getInstructionRange(), `unknown instruction "${i.getInstruction()}"`, `instructions are ${[...KEYWORDS].join(', ')}`);
  }
  const firstFrom = instructions.findIndex((i) => i.getKeyword() === 'FROM');
  if (firstFrom < 0) {
    throw new AirlockError('usage', 'bad-dockerfile', 'no FROM instruction', { location: `${file}:1:1`, hint: 'a Dockerfile starts with FROM (after ARGs and parser directives)' });
  }
  for (const i of instructions.slice(0, firstFrom)) {
    if (i.getKeyword() !== 'ARG') bad(i.getInstructionRange(), `${i.getKeyword()} before the first FROM`, 'only ARG may come before the first FROM');
  }

  const stages: Stage[] = [];
  for (const i of instructions.slice(firstFrom)) {
    if (i.getKeyword() === 'FROM') {
      const from = i as From;
      if (!from.getImageName()) bad(i.getInstructionRange(), 'FROM names no image', 'FROM image[:tag][@digest] [AS name]');
      stages.push({ from, name: from.getBuildStage()?.toLowerCase(), body: [] });
    } else {
      stages[stages.length - 1]!.body.push(i);
    }
  }

  const out: LintFinding[] = [];
  const report = (id: RuleId, r: Range, detail?: string) => {
    const { severity, summary, hint } = rule(id);
    out.push({ file, line: r.start.line + 1, col: r.start.character + 1, rule: id, severity, message: detail ? `${summary}: ${detail}` : summary, hint });
  };
  const argDefaults = new Map(df.getInitialARGs().flatMap((a) => a.getProperties()).flatMap((p) => {
    const v = p.getValue();
    return v === null ? [] : [[p.getName(), v] as const];
  }));
  const stageNamed = (image: string) => stages.find((s) => s.name === image.toLowerCase());

  for (const [n, s] of stages.entries()) {
    const earlier = new Set(stages.slice(0, n).map((x) => x.name).filter(Boolean));
    checkBase(s.from, earlier, argDefaults, report);
    checkStage(s, report);
  }
  const final = stages[stages.length - 1]!;
  checkFinal(final, stages, stageNamed, report);
  return out.sort((a, b) => a.line - b.line || a.col - b.col || (a.rule < b.rule ? -1 : 1));
}

type Report = (id: RuleId, r: Range, detail?: string) => void;

/** The image a FROM names, with ARG defaults from before the first FROM put in; undefined when a variable stays. */
function resolvedImage(from: From, args: Map<string, string>): { name: string; tag: string | null; digest: string | null } | undefined {
  const image = (from.getImage() ?? '').replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (m, v: string) => args.get(v) ?? m);
  if (image.includes('$')) return undefined;
  const [rest, digest] = image.split('@') as [string, string | undefined];
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : null;
  return { name: colon > slash ? rest.slice(0, colon) : rest, tag, digest: digest ?? null };
}

function checkBase(from: From, earlierStages: Set<string | undefined>, args: Map<string, string>, report: Report): void {
  const image = resolvedImage(from, args);
  if (!image || image.name === 'scratch' || earlierStages.has(image.name.toLowerCase())) return;
  const r = from.getImageRange() ?? from.getRange();
  if (image.digest) return;
  if (!image.tag || image.tag === 'latest') report('base-latest', r, image.tag ? `${image.name}:latest` : image.name);
  else report('base-unpinned', r, `${image.name}:${image.tag}`);
}

const commandOf = (i: Instruction) => (i.getArgumentsContent() ?? '').replace(/\s+/g, ' ');
const flagsOf = (i: Instruction) => ('getFlags' in i ? (i as Instruction & { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags() : []);
const flag = (i: Instruction, name: string) => flagsOf(i).find((f) => f.getName() === name);
/** COPY/ADD sources: every argument but the destination. */
const sourcesOf = (i: Instruction): Argument[] => i.getArguments().slice(0, -1);
const isWholeContext = (a: Argument) => /^\.\/?$/.test(a.getValue());

/** Packages a RUN installs with a package manager. */
function installedPackages(cmd: string): string[] {
  return [...cmd.matchAll(INSTALL)].flatMap((m) => m[1]!.split(/\s+/)).filter((w) => w && !w.startsWith('-'))
    .map((w) => w.replace(/[=:].*$/, ''));
}

/** Rules that hold in every stage: secrets, dependency order, apt hygiene, downloads. */
function checkStage(s: Stage, report: Report): void {
  let sourceCopied = false;
  for (const i of s.body) {
    const kw = i.getKeyword();
    if (kw === 'ARG' || kw === 'ENV') {
      for (const p of (i as Instruction & { getProperties(): { getName(): string; getRange(): Range }[] }).getProperties()) {
        if (SECRET_NAME.test(p.getName())) report('secret-in-arg-env', p.getRange(), `${kw} ${p.getName()}`);
      }
    }
    if (kw === 'COPY' || kw === 'ADD') {
      for (const a of sourcesOf(i)) {
        const base = a.getValue().replace(/\/+$/, '').split('/').pop() ?? '';
        if (SECRET_FILE.test(base)) report('secret-file-copied', a.getRange(), a.getValue());
        if (kw === 'ADD' && /^(?:https?:\/\/|git@)/.test(a.getValue()) && !flag(i, 'checksum')) report('add-url', a.getRange(), a.getValue());
      }
      if (!flag(i, 'from') && sourcesOf(i).some(isWholeContext)) sourceCopied = true;
    }
    if (kw === 'RUN') {
      const cmd = commandOf(i);
      if (sourceCopied && DEPS_INSTALL.test(cmd)) report('deps-after-source', i.getRange(), cmd.match(DEPS_INSTALL)![0]);
      if (/\bapt(?:-get)?\s+(?:[^|;&]*\s)?install\b/.test(cmd)) {
        if (!/--no-install-recommends|Install-Recommends=(?:false|0)/.test(cmd)) report('apt-recommends', i.getRange());
        const cached = flagsOf(i).some((f) => f.getName() === 'mount' && /type=cache/.test(f.getValue() ?? '') && /target=\/var\/lib\/apt/.test(f.getValue() ?? ''));
        if (!cached && !/rm\s+-(?:rf|fr|r)\s+[^;&|]*\/var\/lib\/apt\/lists/.test(cmd)) report('apt-lists-kept', i.getRange());
      }
      if (PIPE_TO_SHELL.test(cmd)) report('curl-pipe-shell', i.getRange(), cmd.match(PIPE_TO_SHELL)![0]);
    }
  }
}

/** Does this stage (or the stage it is built FROM) carry build tools? Returns what shows it. */
function buildToolsOf(s: Stage, stageNamed: (image: string) => Stage | undefined, seen = new Set<Stage>()): string | undefined {
  if (seen.has(s)) return undefined;
  seen.add(s);
  const name = s.from.getImageName() ?? '';
  const parent = stageNamed(name);
  const tag = s.from.getImageTag() ?? '';
  if (parent) {
    const inherited = buildToolsOf(parent, stageNamed, seen);
    if (inherited) return `built FROM stage ${name}, which has ${inherited}`;
  } else if (BUILD_IMAGES.has(official(name))) {
    return `base image ${name}`;
  } else if (FULL_IS_BUILD.has(official(name)) && !/slim|alpine/.test(tag)) {
    return `base image ${name}${tag ? `:${tag}` : ''} (the full variant has gcc and make)`;
  }
  for (const i of s.body.filter((x) => x.getKeyword() === 'RUN')) {
    const tools = installedPackages(commandOf(i)).filter((p) => BUILD_PACKAGES.has(p) || /^(?:gcc|g\+\+|clang|golang)-[\d.]+$/.test(p));
    if (tools.length) return `${tools.join(', ')} installed`;
    const compile = commandOf(i).match(COMPILE);
    if (compile) return `"${compile[0].trim()}" run in it`;
  }
  return undefined;
}

function checkFinal(final: Stage, stages: Stage[], stageNamed: (image: string) => Stage | undefined, report: Report): void {
  const tools = buildToolsOf(final, stageNamed);
  if (tools) report('final-build-tools', final.from.getRange(), stages.length === 1 ? `a single-stage build (${tools})` : tools);
  for (const i of final.body.filter((x) => x.getKeyword() === 'COPY' || x.getKeyword() === 'ADD')) {
    const from = flag(i, 'from');
    const root = sourcesOf(i).find((a) => /^\/\.?$/.test(a.getValue()));
    if (from && root) report('whole-tree-copy', i.getRange(), `COPY --from=${from.getValue() ?? ''} ${root.getValue()}`);
    if (!from && stages.length > 1 && sourcesOf(i).some(isWholeContext)) report('source-in-final', i.getRange());
  }
  checkUser(final, stageNamed, report);
}

/** The final stage must end as a non-root user (its own USER, or the one of the stage it is built FROM). */
function checkUser(final: Stage, stageNamed: (image: string) => Stage | undefined, report: Report): void {
  const userOf = (s: Stage, seen: Set<Stage>): Instruction | undefined => {
    const own = s.body.filter((i) => i.getKeyword() === 'USER').pop();
    if (own || seen.has(s)) return own;
    seen.add(s);
    const parent = stageNamed(s.from.getImageName() ?? '');
    return parent ? userOf(parent, seen) : undefined;
  };
  const user = userOf(final, new Set());
  if (!user) {
    // A distroless nonroot base sets a non-root user itself.
    if (/nonroot/.test(final.from.getImageTag() ?? '')) return;
    report('final-user-root', final.from.getRange(), 'no USER, so it runs as root');
    return;
  }
  const who = commandOf(user).trim().split(':')[0] ?? '';
  if (who === 'root' || who === '0') report('final-user-root', user.getRange(), `USER ${commandOf(user).trim()}`);
}
