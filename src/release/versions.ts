// Release versions and the convenience tags they move (X.Y, X, latest): pure decisions over the registry's tags.
import semver from 'semver';
import { AirlockError } from '../errors.js';

/** Checks a release version as the user wrote it: X.Y.Z with an optional -prerelease, nothing else. */
export function parseReleaseVersion(text: string, location = '--version'): string {
  const fail = (why: string, hint: string): never => {
    throw new AirlockError('usage', 'bad-version', `"${text}" ${why}`, { location, hint });
  };
  if (/^[vV]\d/.test(text)) fail('starts with "v"', `write it without the v: ${text.slice(1)}`);
  if (text === 'latest') fail('is a convenience tag, not a version', 'publish moves latest itself; give X.Y.Z');
  if (/^\d+(\.\d+)?$/.test(text)) {
    const full = text + '.0'.repeat(3 - text.split('.').length);
    fail('is not a full version', `give all three numbers, e.g. ${full}`);
  }
  if (!isReleaseTag(text)) fail('is not a semantic version', 'use X.Y.Z or X.Y.Z-PRERELEASE, e.g. 1.4.2 or 2.0.0-rc.1');
  return text;
}

/** True for a tag that is a full semantic version exactly as written (1.2.3, 2.0.0-rc.1; not v1.2.3, 1.2). */
export function isReleaseTag(tag: string): boolean {
  return !tag.includes('+') && semver.valid(tag) === tag;
}

/** The convenience tags of a version: `X.Y`, `X` and `latest`. */
export function convenienceTags(version: string): string[] {
  const v = semver.parse(version)!;
  return [`${v.major}.${v.minor}`, `${v.major}`, 'latest'];
}

/** Whether a convenience tag moves to the version being published, and the highest release of its series. */
export interface TagMove {
  tag: string;
  moves: boolean;
  /** The highest release in the tag's series, counting the new one. */
  highest: string;
  /** Why it moves or stays: the version is the highest of the series, a lower one, or a prerelease. */
  reason: 'highest' | 'lower' | 'prerelease';
}

/**
 * Which convenience tags move for `version` given the release tags already in the repository: each moves only
 * when `version` is the highest release of its series (never backwards); a prerelease moves none.
 */
export function planConvenienceTags(version: string, existing: readonly string[]): TagMove[] {
  const releases = [...existing.filter(isReleaseTag), version].filter((t) => semver.prerelease(t) === null);
  const v = semver.parse(version)!;
  const series: [string, (r: semver.SemVer) => boolean][] = [
    [`${v.major}.${v.minor}`, (r) => r.major === v.major && r.minor === v.minor],
    [`${v.major}`, (r) => r.major === v.major],
    ['latest', () => true],
  ];
  return series.map(([tag, inSeries]) => {
    const members = releases.map((r) => semver.parse(r)!).filter(inSeries);
    const highest = members.length ? semver.rsort(members.map((m) => m.version))[0]! : version;
    let reason: TagMove['reason'] = semver.eq(highest, version) ? 'highest' : 'lower';
    if (semver.prerelease(version) !== null) reason = 'prerelease';
    return { tag, moves: reason === 'highest', highest, reason };
  });
}

/** Release tags sorted highest first. */
export function sortReleases(tags: readonly string[]): string[] {
  return semver.rsort(tags.filter(isReleaseTag));
}

/** True for a convenience tag (`X.Y`, `X`, `latest`). */
export function isConvenienceTag(tag: string): boolean {
  return tag === 'latest' || /^(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/.test(tag);
}
