// The language packs by canonical language id.
import { AirlockError } from '../errors.js';
import { cPack, cppPack } from './c.js';
import { goPack } from './go.js';
import { javaPack } from './java.js';
import { nodePack } from './node.js';
import { pythonPack } from './python.js';
import { rustPack } from './rust.js';
import type { LanguagePack } from './pack.js';

const packs: Record<string, LanguagePack> = { c: cPack, cpp: cppPack, go: goPack, python: pythonPack, node: nodePack, rust: rustPack, java: javaPack };

/** The pack for a canonical language id; languages without a pack yet are a usage error. */
export function languagePack(language: string): LanguagePack {
  const p = packs[language];
  if (!p) {
    throw new AirlockError('usage', 'language-unsupported', `base_language '${language}' has no language pack yet`, {
      hint: `supported now: ${Object.keys(packs).join(', ')}`,
    });
  }
  return p;
}

/** The toolchain versions a suite offers, read from the names of its packages, in numeric order. */
export function offeredVersions(pack: LanguagePack, availablePackages: string[]): string[] {
  const offered = availablePackages
    .map((n) => pack.versionPackage.exec(n)?.[1])
    .filter((v): v is string => v !== undefined);
  return [...new Set(offered)].sort((a, b) => Number(a) - Number(b));
}

/** Checks a requested toolchain version against the versions the suite offers (names of available packages). */
export function checkVersion(pack: LanguagePack, version: string | undefined, availablePackages: string[], suiteName: string): void {
  if (version === undefined) return;
  const uniq = offeredVersions(pack, availablePackages);
  if (!uniq.includes(version)) {
    throw new AirlockError('usage', 'version-unavailable', `${pack.toolchainName} ${version} is not available in ${suiteName}; available: ${uniq.join(', ') || 'none'}`, {
      hint: `set version to one of: ${uniq.map((v) => `${pack.toolchainName}-${v}`).join(', ')}`,
      location: 'version',
    });
  }
}
