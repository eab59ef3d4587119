// A SourceInfo as src/pipeline/source-info.ts reads it, made from file texts: for unit tests of the language packs.
import type { SourceInfo } from '../../src/lang/pack.js';

/** Manifests whose text the reader keeps at the top level (a subset of its TEXT_FILES). */
const TOP_TEXT = new Set(['go.mod', 'Cargo.toml', 'pyproject.toml', 'package.json', 'requirements.txt']);

/**
 * The SourceInfo of a tree given as relative path → text: top-level files and folders, every folder's listing
 * (sub-folders ending in '/') and every nested text, as if the pack's probe had asked for all of them.
 */
export function sourceTree(files: Record<string, string>): SourceInfo {
  const top = Object.keys(files).filter((f) => !f.includes('/'));
  const dirs = new Map<string, string[]>();
  for (const path of Object.keys(files).filter((p) => p.includes('/'))) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const entry = i === parts.length - 1 ? parts[i]! : `${parts[i]}/`;
      dirs.set(dir, [...new Set([...(dirs.get(dir) ?? []), entry])].sort());
    }
  }
  return {
    topFiles: new Set(top),
    topText: new Map(top.filter((f) => TOP_TEXT.has(f)).map((f) => [f, files[f]!])),
    topDirs: new Set([...dirs.keys()].filter((d) => !d.includes('/'))),
    dirs,
    texts: new Map(Object.entries(files).filter(([p]) => p.includes('/') || !TOP_TEXT.has(p))),
  };
}
