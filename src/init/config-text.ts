// The text `airlock init` writes: a commented airlock.yaml that sets what was detected and spells out, in comments,
// what the language pack does by default (pure).
import { VARIANT_DEFAULTS } from '../config/normalize.js';
import type { Detection } from '../lang/detect.js';

/** The language pack's defaults for the tree, each a value or the reason it has none. */
export interface PackDefaults {
  fetch: string[];
  steps: string[] | { error: string };
  test: string[] | { error: string };
  entrypoint: string[] | { error: string } | undefined;
  workdir: string | undefined;
  runtimePackages: string[];
  builderPackages: string[];
}

export interface InitFacts {
  name: string;
  detection: Detection;
  /** Where editors find airlock's JSON Schema (a file: URL). */
  schema: string;
  defaults: PackDefaults;
  /** C and C++: airlock proposes maximum hardening (PIE, full RELRO, stack protector, FORTIFY; the gates check). */
  hardening: 'maximum' | 'standard';
}

const q = (s: string) => JSON.stringify(s);
const commentList = (indent: string, items: string[]) => items.map((i) => `#${indent}- ${q(i)}`);

/** `packages:` set to what a project file names, with where from and what was left out; else a comment. */
function packagesBlock(stated: Detection['packages']): string[] {
  if (!stated) return ['# packages: []'];
  const set = stated.names.length
    ? [`# stated in ${stated.from}, as Debian packages`, 'packages:', ...stated.names.map((n) => `  - ${q(n)}`)]
    : ['# packages: []'];
  if (!stated.leftOut.length) return set;
  const marked = stated.leftOut.map((r) => `#   ${r}`);
  return [...set, '# not added: an environment marker decides whether these apply', ...marked];
}

function stepsBlock(key: string, v: string[] | { error: string }): string[] {
  if (!Array.isArray(v)) return [`#   ${key}: []          # no default: ${v.error.split('\n')[0]}`];
  if (v.length === 0) return [`#   ${key}: []`];
  return [`#   ${key}:`, ...commentList('     ', v)];
}

/** The config text: only detected and proposed fields are set; every default is written out as a comment. */
export function initConfigText(f: InitFacts): string {
  const d = f.detection;
  const ep = f.defaults.entrypoint;
  const also = d.also.length
    ? ` (markers of ${d.also.join(', ')} too: \`airlock init --language L\` picks another)`
    : '';
  const lines = [
    `# yaml-language-server: $schema=${f.schema}`,
    `# airlock.yaml written by \`airlock init\`: one file, three images (${f.name}:latest-dev, -prod and -test).`,
    '# Every field is described in docs/config.md of airlock. Commented lines show the defaults airlock uses when the',
    '# field is absent; uncomment and edit one to change it.',
    '',
    `name: ${q(f.name)}`,
    '# tag: latest',
    `# detected from ${d.because}${also}`,
    `base_language: ${d.language}`,
    ...(d.version
      ? [`# stated in ${d.version.from}`, `version: ${q(d.version.value)}`]
      : ["# version: the Debian suite's default toolchain (set e.g. a major version to pin it)"]),
    '',
    '# Debian packages: dev_packages go into the builder (dev and test); packages also into prod.',
    '# The language pack adds its toolchain to the builder and its runtime to prod:',
    `#   builder: ${f.defaults.builderPackages.join(', ') || 'none'}`,
    `#   prod:    ${f.defaults.runtimePackages.join(', ') || 'none (only the ELF closure of the artifacts)'}`,
    '# dev_packages: []',
    ...packagesBlock(d.packages),
    '',
    `# Build steps run in a sandbox (network only in fetch steps); the ${d.language} pack's defaults for this tree:`,
    '# build:',
    ...(f.defaults.fetch.length ? ['#   fetch:', ...commentList('     ', f.defaults.fetch)] : ['#   fetch: []']),
    ...stepsBlock('steps', f.defaults.steps),
    ...stepsBlock('test', f.defaults.test),
    '',
    '# What prod runs and how:',
    '# runtime:',
    ep === undefined
      ? '#   entrypoint: the single executable installed under a bin/ directory'
      : Array.isArray(ep)
        ? `#   entrypoint: ${JSON.stringify(ep)}`
        : `#   entrypoint: none found: ${ep.error.split('\n')[0]}`,
    `#   workdir: ${f.defaults.workdir ?? '/home/nonroot'}`,
    '#   user: "65532:65532"',
    '#   ports: []            # e.g. ["8080"]',
    '',
    ...(f.hardening === 'maximum'
      ? [
          '# Compiled code: every built binary gets PIE, full RELRO, stack protector and FORTIFY (the gates check it).',
          'build_flags:',
          '  hardening: maximum',
        ]
      : [
          '# build_flags:',
          '#   hardening: standard   # maximum: PIE, full RELRO, stack protector, FORTIFY, checked by the gates',
        ]),
    '',
    '# variants:',
    '#   dev:',
    `#     debug_tools: [${VARIANT_DEFAULTS.dev.debugTools.join(', ')}]`,
    '#   prod:',
    '#     strip_binaries: true',
    '#     max_size: 50MB      # a gate fails prod above it',
    '',
  ];
  return lines.join('\n');
}
