// The text of `airlock why`: one line per link of the chain, from the file to the reason.
import type { WhyAnswer, WhyStep } from './explain.js';
import type { Origin, PackageReason } from './record.js';

const ORIGIN: Record<Exclude<Origin, `pkg:${string}`>, string> = {
  artifact: 'a declared artifact of the build',
  installed: 'installed by the build (under $AIRLOCK_OUT)',
  source: 'part of the build context, copied to /src',
  toolchain: 'part of the toolchain from the npm registry',
  airlock: 'made by airlock (users and groups, dpkg status, os-release, CA bundle, trimmed ICU data)',
  builder: 'made while the builder root was installed (owned by no package: maintainer scripts, dpkg database)',
};

function originText(o: Origin): string {
  return o.startsWith('pkg:') ? `a file of Debian package ${o.slice(4)}` : ORIGIN[o as keyof typeof ORIGIN];
}

function reasonText(name: string, r: PackageReason, set: 'prod' | 'builder'): string {
  const where = set === 'prod' ? 'prod' : 'the builder (dev and test)';
  switch (r.kind) {
    case 'request':
      return `${name} is in ${where} because it is requested (${r.request})`;
    case 'closure':
      return `${name} is in ${where} because it provides ${r.library}, NEEDED by /${r.by}`;
    case 'dependency':
      return `${name} is in ${where} as a dependency of ${r.of}`;
    case 'base':
      return `${name} is in ${where} as part of the Debian base system (essential and required packages)`;
  }
}

function stepText(s: WhyStep): string {
  switch (s.kind) {
    case 'file':
      return `/${s.path}${s.size ? ` (${s.size} bytes)` : ''} is ${originText(s.origin)}`;
    case 'artifact':
      return `/${s.path} is a declared artifact (from ${s.from})`;
    case 'needed':
      return `/${s.path} is where the loader finds ${s.library}, NEEDED by /${s.by}`;
    case 'package':
      return reasonText(s.name, s.reason, s.set);
    case 'cycle':
      return `(${s.name} again: a dependency cycle)`;
    case 'rule':
      return `slicing kept it by its rule for ${s.rule}`;
    case 'made':
      return `made in place of the file of ${s.package}: ${s.how}`;
  }
}

const chain = (steps: WhyStep[]) => steps.map((s, i) => `${i === 0 ? '' : '  ← '}${stepText(s)}`);

/** The answer as text; `image` names the variant's image ("hello-c:latest-prod"). */
export function formatWhy(a: WhyAnswer, image: string): string {
  const lines: string[] = [];
  if (a.directory) {
    const origins = Object.entries(a.directory.origins).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    lines.push(
      `/${a.path} is a directory of ${image} holding ${a.directory.files} files (${a.directory.bytes} bytes):`,
    );
    for (const [o, n] of origins) lines.push(`  ${String(n).padStart(6)}  ${originText(o as Origin)}`);
  } else if (a.found) {
    lines.push(`in ${image}:`, ...chain(a.chain).map((l) => `  ${l}`));
  } else {
    lines.push(`/${a.path} is not in ${image}`);
    if (a.sliced) {
      lines.push(
        `slicing left it out of Debian package ${a.sliced.package}: ${a.sliced.reason}`,
        ...chain(a.sliced.chain).map((l) => `  ${l}`),
        `  (to keep it: variants.prod.keep: ["/${a.path}"])`,
      );
    }
    if (a.inDev) lines.push('it is in dev (it stayed behind):', ...chain(a.inDev).map((l) => `  ${l}`));
    else if (a.variant !== 'dev') lines.push('it is not in dev either');
  }
  return lines.join('\n') + '\n';
}
