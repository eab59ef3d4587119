// Which toolchain versions the Debian suite offers, read from the package lists the lock step downloaded.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names of every package in the cached Packages lists of the airlock cache, and the suite's major version ("Debian 12"). */
export function cachedPackageNames(cache: string): { names: string[]; suiteName: string } {
  const names = new Set<string>();
  let version: string | undefined;
  const aptRoot = join(cache, 'apt');
  for (const key of existsSync(aptRoot) ? readdirSync(aptRoot) : []) {
    const lists = join(aptRoot, key, 'state', 'lists');
    for (const f of existsSync(lists) ? readdirSync(lists) : []) {
      if (f.endsWith('_Packages')) {
        for (const m of readFileSync(join(lists, f), 'utf8').matchAll(/^Package: (\S+)$/gm)) names.add(m[1]!);
      } else if (f.endsWith('_InRelease') && !version) {
        version = /^Version: (\d+)/m.exec(readFileSync(join(lists, f), 'utf8'))?.[1];
      }
    }
  }
  return { names: [...names].sort(), suiteName: version ? `Debian ${version}` : 'the Debian suite' };
}
