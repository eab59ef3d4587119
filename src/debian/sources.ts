// Pure parser for apt sources (deb822 `.sources` and one-line `.list` forms) and a renderer for a private apt dir.
import { AirlockError } from '../errors.js';
import { field, parseDeb822 } from './deb822.js';

/** One binary repository: a base URI and one suite, with its components. */
export interface AptSource {
  uri: string;
  suite: string;
  components: string[];
  /** Architectures the entry is limited to (absent = any). */
  architectures?: string[];
  /** Keyring file that signs this repository's InRelease. */
  signedBy?: string;
  /** false for archive snapshots whose Release files have expired (apt's Check-Valid-Until). */
  checkValidUntil?: boolean;
}

const no = (v: string | undefined) => v !== undefined && /^(no|false|0)$/i.test(v.trim());

const words = (v: string | undefined): string[] => (v ?? '').split(/\s+/).filter(Boolean);

function forArch(s: AptSource, arch: string | undefined): boolean {
  return arch === undefined || s.architectures === undefined || s.architectures.includes(arch);
}

/** Parses deb822 sources text: only `Types: deb` entries that are enabled and (if given) for `arch`. */
export function parseDeb822Sources(text: string, arch?: string, origin = 'sources'): AptSource[] {
  const out: AptSource[] = [];
  for (const st of parseDeb822(text, origin)) {
    if (!words(field(st, 'Types')).includes('deb')) continue;
    if ((field(st, 'Enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const uris = words(field(st, 'URIs'));
    const suites = words(field(st, 'Suites'));
    if (uris.length === 0 || suites.length === 0) {
      throw new AirlockError('packages', 'bad-sources', `${origin}: a deb822 entry has no URIs or Suites`, {
        hint: 'every entry needs Types, URIs, Suites and Components',
      });
    }
    const archs = words(field(st, 'Architectures'));
    const signedBy = field(st, 'Signed-By')?.trim();
    for (const uri of uris) {
      for (const suite of suites) {
        const s: AptSource = { uri: uri.replace(/\/+$/, ''), suite, components: words(field(st, 'Components')) };
        if (archs.length) s.architectures = archs;
        if (signedBy) s.signedBy = signedBy;
        if (no(field(st, 'Check-Valid-Until'))) s.checkValidUntil = false;
        if (forArch(s, arch)) out.push(s);
      }
    }
  }
  return out;
}

/** Parses one-line sources text (`deb [opts] uri suite comp…`); deb-src and comments are skipped. */
export function parseOneLineSources(text: string, arch?: string, origin = 'sources.list'): AptSource[] {
  const out: AptSource[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) {
      throw new AirlockError('packages', 'bad-sources', `${origin}:${i + 1}: cannot parse sources line ${JSON.stringify(line)}`, {
        hint: 'expected "deb [options] URI SUITE COMPONENT..."',
      });
    }
    if (m[1] !== 'deb') return;
    const s: AptSource = { uri: m[3]!.replace(/\/+$/, ''), suite: m[4]!, components: words(m[5]) };
    for (const opt of words(m[2])) {
      const [k, v] = opt.split('=', 2);
      if (k === 'arch' && v) s.architectures = v.split(',');
      if (k === 'signed-by' && v) s.signedBy = v;
      if (k === 'check-valid-until' && no(v)) s.checkValidUntil = false;
    }
    if (forArch(s, arch)) out.push(s);
  });
  return out;
}

/** Parses either form: text containing a `Types:` field is deb822, anything else is one-line. */
export function parseSources(text: string, arch?: string, origin?: string): AptSource[] {
  return /^\s*Types\s*:/im.test(text) ? parseDeb822Sources(text, arch, origin) : parseOneLineSources(text, arch, origin);
}

/** Renders sources as one deb822 file for a private apt directory; `keyring` fills in a missing Signed-By. */
export function renderSources(sources: AptSource[], keyring?: string): string {
  return sources
    .map((s) => {
      const lines = ['Types: deb', `URIs: ${s.uri}`, `Suites: ${s.suite}`];
      if (s.components.length) lines.push(`Components: ${s.components.join(' ')}`);
      if (s.checkValidUntil === false) lines.push('Check-Valid-Until: no');
      const key = s.signedBy ?? keyring;
      if (key && key.includes('\n')) {
        // An embedded key block: one continuation line per line, '.' for blank ones.
        lines.push(`Signed-By:\n${key.split('\n').map((l) => ` ${l.trim() === '' ? '.' : l}`).join('\n')}`);
      } else if (key) lines.push(`Signed-By: ${key}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}
