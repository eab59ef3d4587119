// The few TOML shapes the packs read from Cargo.toml and pyproject.toml: tables, quoted strings and string arrays.
// Not a TOML parser: values of other types and inline tables are left alone; what is not understood reads as absent.

/** One `[table]` or `[[array-of-tables]]` section: its dotted name and the text up to the next header. */
export interface TomlTable {
  name: string;
  array: boolean;
  body: string;
}

/** The sections of a TOML text, in order; keys before the first header form a table named "". */
export function tomlTables(text: string): TomlTable[] {
  const out: TomlTable[] = [{ name: '', array: false, body: '' }];
  for (const line of text.split('\n')) {
    const header = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    const name = header?.[2]!.replace(/\s*\.\s*/g, '.').replace(/"/g, '');
    if (header) out.push({ name: name!, array: header[1] === '[[', body: '' });
    else out[out.length - 1]!.body += `${line}\n`;
  }
  return out;
}

/** The first table of that name (undefined when there is none). */
export function tomlTable(text: string | undefined, name: string): TomlTable | undefined {
  return text === undefined ? undefined : tomlTables(text).find((t) => t.name === name && !t.array);
}

/** The start of `key = ` in a table body: the key bare, or in double or single quotes. */
function keyStart(key: string): string {
  const k = key.replace(/[.-]/g, '\\$&');
  return `^\\s*(?:${k}|"${k}"|'${k}')\\s*=\\s*`;
}

/** A key's quoted string value in a table body (basic or literal quotes). */
export function tomlString(body: string | undefined, key: string): string | undefined {
  const m = new RegExp(`${keyStart(key)}(?:"([^"]*)"|'([^']*)')`, 'm').exec(body ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A key's boolean value in a table body. */
export function tomlBool(body: string | undefined, key: string): boolean | undefined {
  const m = new RegExp(`${keyStart(key)}(true|false)\\b`, 'm').exec(body ?? '');
  return m ? m[1] === 'true' : undefined;
}

/** A key's array of quoted strings in a table body (one line or several, comments allowed; brackets in strings). */
export function tomlStrings(body: string | undefined, key: string): string[] | undefined {
  const start = new RegExp(`${keyStart(key)}\\[`, 'm').exec(body ?? '');
  if (!start) return undefined;
  const item = /(?:\s|,|#[^\n]*)*(?:"([^"]*)"|'([^']*)')/y;
  item.lastIndex = start.index + start[0].length;
  const out: string[] = [];
  for (let m = item.exec(body!); m; m = item.exec(body!)) out.push(m[1] ?? m[2]!);
  return out;
}

/** The keys of a table whose values are quoted strings, with those values, in order (e.g. [project.scripts]). */
export function tomlStringEntries(body: string | undefined): [string, string][] {
  const out: [string, string][] = [];
  const entry = /^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.-]+))\s*=\s*(?:"([^"]*)"|'([^']*)')/gm;
  for (const m of (body ?? '').matchAll(entry)) {
    out.push([m[1] ?? m[2] ?? m[3]!, m[4] ?? m[5]!]);
  }
  return out;
}
