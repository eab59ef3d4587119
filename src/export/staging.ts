// The handoff stage's command and prod's COPY lines, from a handoff recipe. Pure.
import type { HandoffRecipe } from './handoff-recipe.js';

/** Where the handoff stage stages the artifacts (image paths below it). */
export const STAGING_DIR = '/airlock/handoff';

/** The same strip airlock runs on prod's ELF artifacts. */
export const STRIP = 'strip --strip-unneeded --enable-deterministic-archives';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/**
 * One shell command (for a RUN) that copies each rule into the staging folder in order, removes what the rule leaves
 * out, sets declared modes, strips, and fails unless the staged files are exactly the artifact list.
 */
export function stagingCommand(r: HandoffRecipe): string {
  const parts = [`mkdir -p ${STAGING_DIR}`, `cd ${STAGING_DIR}`];
  for (const rule of r.rules) {
    const dest = rule.to || '.';
    const parent = rule.fromIsDir ? rule.to : dirOf(rule.to);
    if (parent) parts.push(`mkdir -p ${q(parent)}`);
    parts.push(rule.fromIsDir ? `cp -a ${q(`${rule.from}/.`)} ${q(`${dest}/`)}` : `cp -a ${q(rule.from)} ${q(dest)}`);
    if (rule.drop.length) parts.push(`rm -f ${rule.drop.map(q).join(' ')}`);
    if (rule.chmod) {
      parts.push(`chmod ${rule.chmod.mode.toString(8).padStart(4, '0')} ${rule.chmod.paths.map(q).join(' ')}`);
    }
  }
  // Only files cross the airlock: folders left empty go, and the folders that stay get the mode a layer gives them.
  parts.push('find . -mindepth 1 -depth -type d -empty -delete', 'find . -mindepth 1 -type d -exec chmod 0755 {} +');
  if (r.strip.length) parts.push(`${STRIP} ${r.strip.map(q).join(' ')}`);
  parts.push(`test "$(find . ! -type d | LC_ALL=C sort | sha256sum)" = ${q(`${r.listDigest}  -`)}`);
  return parts.join(' \\\n && ');
}

/**
 * prod's COPY lines as [staged path, image path]: per top-level folder, the deepest folder holding all its artifacts
 * (the staged tree holds nothing but artifacts); files at the image root one by one.
 */
export function handoffCopies(r: HandoffRecipe): [string, string][] {
  const byTop = new Map<string, string[]>();
  const copies: [string, string][] = [];
  for (const f of r.files) {
    if (!f.path.includes('/')) { copies.push([f.path, f.path]); continue; }
    const top = f.path.split('/')[0]!;
    byTop.set(top, [...(byTop.get(top) ?? []), dirOf(f.path)]);
  }
  for (const dirs of byTop.values()) {
    const common = dirs.reduce((a, b) => commonDir(a, b));
    copies.push([`${common}/`, `${common}/`]);
  }
  return copies.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function commonDir(a: string, b: string): string {
  const x = a.split('/');
  const y = b.split('/');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('/');
}
