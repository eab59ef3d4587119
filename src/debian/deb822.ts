// Pure parser for deb822 control data (Packages, InRelease bodies, .sources files, dpkg status).
import { AirlockError } from '../errors.js';

/** One stanza: field names as written (case kept), values with continuation lines joined by '\n'. */
export type Stanza = Record<string, string>;

/** A malformed line of deb822 text `where` (a file or what it came from): exit 3, with its line number. */
function malformed(where: string, lineNo: number, what: string, line: string): AirlockError {
  return new AirlockError('packages', 'bad-deb822', `${what}: ${JSON.stringify(line.slice(0, 80))}`, {
    location: `${where}:${lineNo}`,
    hint: 'deb822 text is "Field: value" lines; continuation lines start with a space; a blank line ends a stanza',
  });
}

/**
 * Parses deb822 text into stanzas; '#' comment lines are skipped, blank lines separate stanzas. A malformed line is
 * an AirlockError (exit 3) located at `where:line`.
 */
export function parseDeb822(text: string, where = 'deb822 text'): Stanza[] {
  const out: Stanza[] = [];
  let cur: Stanza | undefined;
  let last: string | undefined;
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (cur) out.push(cur);
      cur = undefined;
      last = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!cur || last === undefined) throw malformed(where, lineNo, 'a continuation line without a field', line);
      const body = line.slice(1);
      cur[last] = `${cur[last]}\n${body === '.' ? '' : body}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(where, lineNo, 'not a field', line);
    const name = line.slice(0, colon);
    cur ??= {};
    cur[name] = line.slice(colon + 1).trim();
    last = name;
  }
  if (cur) out.push(cur);
  return out;
}

/** Case-insensitive field lookup (deb822 field names are case-insensitive). */
export function field(stanza: Stanza, name: string): string | undefined {
  if (name in stanza) return stanza[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(stanza)) if (k.toLowerCase() === lower) return stanza[k];
  return undefined;
}

/** Strips an OpenPGP clear-signature wrapper (InRelease) and returns the signed body; text without one is returned as is. */
export function clearsignedBody(text: string, where = 'InRelease'): string {
  const begin = text.indexOf('-----BEGIN PGP SIGNED MESSAGE-----');
  if (begin < 0) return text;
  const afterHeader = text.indexOf('\n\n', begin);
  const sig = text.indexOf('\n-----BEGIN PGP SIGNATURE-----', afterHeader);
  if (afterHeader < 0 || sig < 0) {
    throw new AirlockError('packages', 'bad-inrelease', 'malformed clear-signed message (no header end or signature)', {
      location: where, hint: 'the mirror served a damaged InRelease; `airlock lock --update` fetches the lists again',
    });
  }
  return text
    .slice(afterHeader + 2, sig + 1)
    .split('\n')
    .map((l) => (l.startsWith('- ') ? l.slice(2) : l))
    .join('\n');
}

/** Renders a stanza as deb822 text in the given field order (multi-line values get continuation lines). */
export function formatStanza(fields: Array<[string, string | undefined]>): string {
  let s = '';
  for (const [k, v] of fields) {
    if (v === undefined || v === '') continue;
    const [first, ...rest] = v.split('\n');
    s += `${k}: ${first}\n`;
    for (const r of rest) s += ` ${r === '' ? '.' : r}\n`;
  }
  return s;
}
