// What a build left in an airlock cache beyond its bookkeeping.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bookkeeping any build writes before it fetches anything: its hold, airlock's own code digest, parsed configs. */
function bookkeeping(path: string): boolean {
  return path.startsWith('holds/') || path === 'flags/identity' || /^builds\/parsed-[0-9a-f]+\.json$/.test(path);
}

/** Every file under `cache` (relative, sorted) except bookkeeping: a package index, a .deb, a rootfs, a step result. */
export function fetchedFiles(cache: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), path);
      else if (!bookkeeping(path)) found.push(path);
    }
  };
  walk(cache, '');
  return found.sort();
}
