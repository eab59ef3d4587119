// Which language pack fits a source tree, from its top-level files (pure): what `airlock init` proposes.
import { detectBuildSystem } from './c.js';
import type { SourceInfo, SourceQuestions } from './pack.js';
import { usesPip } from './python.js';
import { dependencyPackages } from './python-debian.js';
import { tomlString, tomlStrings, tomlTable } from './toml.js';
import { pinnedVersion } from './version-files.js';

/** The folders detection looks into below the top (a Maven-layout tree without a pom, C++ sources under src/). */
export const DETECT_QUESTIONS: SourceQuestions = { dirs: ['src', 'src/main'] };

export interface Detection {
  language: string;
  /** The files that decided it, as the user reads them ("go.mod"). */
  because: string;
  /** The toolchain version a project file states, with the file, when one does. */
  version?: { value: string; from: string };
  /** The image name a project file states (package.json, Cargo.toml, pom.xml, go.mod, pyproject.toml). */
  name?: string;
  /**
   * The Debian packages prod needs that a project file names, with the file (Python: pyproject's dependencies when
   * no requirements.txt hands them to pip), and the requirements left to the user (environment markers).
   */
  packages?: { names: string[]; from: string; leftOut: string[] };
  /** Other languages the tree also has markers of (the first rule wins; --language chooses another). */
  also: string[];
}

/** What detection looks for, in order (the message of a tree it cannot place lists them). */
export const LOOKED_FOR = [
  'package.json (node)',
  'go.mod (go)',
  'Cargo.toml (rust)',
  'pyproject.toml, requirements.txt, setup.py, main.py or app.py (python)',
  'pom.xml or src/main/java (java)',
  'CMakeLists.txt, meson.build, configure, configure.ac or Makefile (c, or cpp with C++ sources)',
];

/** package.json as an object ({} when absent or not JSON: the build reports that, not detection). */
function packageJson(src: SourceInfo): { name?: string; engines?: { node?: string } } {
  try {
    return JSON.parse(src.topText.get('package.json') ?? '{}') as { name?: string };
  } catch {
    return {};
  }
}

const CPP_SOURCE = /\.(cc|cpp|cxx|c\+\+|hpp|hh|hxx)$/;

function isCpp(src: SourceInfo): boolean {
  const cmake = src.topText.get('CMakeLists.txt') ?? '';
  if (/\bproject\s*\([^)]*\bCXX\b/i.test(cmake) && !/\bproject\s*\([^)]*\bC\b(?!\+)/i.test(cmake)) return true;
  const files = [...src.topFiles, ...(src.dirs?.get('src') ?? [])];
  return files.some((f) => CPP_SOURCE.test(f)) && !files.some((f) => /\.c$/.test(f));
}

const rules: { language: (s: SourceInfo) => string | undefined; because: (s: SourceInfo) => string }[] = [
  { language: (s) => (s.topFiles.has('package.json') ? 'node' : undefined), because: () => 'package.json' },
  { language: (s) => (s.topFiles.has('go.mod') ? 'go' : undefined), because: () => 'go.mod' },
  { language: (s) => (s.topFiles.has('Cargo.toml') ? 'rust' : undefined), because: () => 'Cargo.toml' },
  {
    language: (s) =>
      ['pyproject.toml', 'requirements.txt', 'setup.py'].some((f) => s.topFiles.has(f)) ? 'python' : undefined,
    because: (s) => ['pyproject.toml', 'requirements.txt', 'setup.py'].filter((f) => s.topFiles.has(f)).join(', '),
  },
  {
    language: (s) => (s.topFiles.has('pom.xml') || s.dirs?.get('src/main')?.includes('java/') ? 'java' : undefined),
    because: (s) => (s.topFiles.has('pom.xml') ? 'pom.xml' : 'src/main/java'),
  },
  {
    language: (s) => (detectBuildSystem(s) === 'none' ? undefined : isCpp(s) ? 'cpp' : 'c'),
    because: (s) => `${detectBuildSystem(s)} build${isCpp(s) ? ' with C++ sources' : ''}`,
  },
  {
    language: (s) => (s.topFiles.has('main.py') || s.topFiles.has('app.py') ? 'python' : undefined),
    because: (s) => (s.topFiles.has('main.py') ? 'main.py' : 'app.py'),
  },
];

/** The version a project file pins, per language: a version manager's pin file first, then the manifest. */
function statedVersion(language: string, src: SourceInfo): Detection['version'] {
  const text = (f: string) => src.topText.get(f) ?? '';
  const pinned = pinnedVersion(language, src.topText);
  if (pinned) return pinned;
  if (language === 'go') {
    const m = /^go\s+(\d+\.\d+)/m.exec(text('go.mod'));
    return m ? { value: m[1]!, from: 'go.mod' } : undefined;
  }
  if (language === 'java') {
    const m = /<maven\.compiler\.(?:release|source)>\s*(\d+)\s*</.exec(text('pom.xml'));
    return m ? { value: m[1]!, from: 'pom.xml' } : undefined;
  }
  if (language === 'node') {
    const engines = packageJson(src).engines?.node;
    const m = engines ? /^\s*(?:>=|\^|~)?\s*(\d+)(?:\.x|\.\d+(?:\.\d+)?)?\s*$/.exec(engines) : null;
    return m ? { value: m[1]!, from: 'package.json engines.node' } : undefined;
  }
  return undefined;
}

/** The project's own name, where its manifest states one that is a valid image name. */
function statedName(language: string, src: SourceInfo): string | undefined {
  const text = (f: string) => src.topText.get(f) ?? '';
  let name: string | undefined;
  if (language === 'node') name = packageJson(src).name?.replace(/^@[^/]+\//, '');
  if (language === 'rust') name = /^\[package\][^[]*?^name\s*=\s*"([^"]+)"/ms.exec(text('Cargo.toml'))?.[1];
  if (language === 'java')
    name = /<artifactId>([^<]+)<\/artifactId>/.exec(text('pom.xml').replace(/<parent>[\s\S]*?<\/parent>/, ''))?.[1];
  if (language === 'go') name = /^module\s+(\S+)/m.exec(text('go.mod'))?.[1]?.split('/').pop();
  if (language === 'python') name = tomlString(tomlTable(text('pyproject.toml'), 'project')?.body, 'name');
  return name && /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/.test(name) ? name : undefined;
}

/** The Debian packages a project file names for prod (Python's pyproject dependencies, when pip does not take them). */
function statedPackages(language: string, src: SourceInfo): Detection['packages'] {
  if (language !== 'python' || usesPip(src)) return undefined;
  const project = tomlTable(src.topText.get('pyproject.toml'), 'project')?.body;
  const found = dependencyPackages(tomlStrings(project, 'dependencies'));
  return found && { names: found.packages, from: 'pyproject.toml dependencies', leftOut: found.marked };
}

/** The language of a source tree (its first matching rule), or undefined when no rule matches. */
export function detectProject(src: SourceInfo, language?: string): Detection | undefined {
  const matches = rules.map((r) => ({ language: r.language(src), because: r.because(src) })).filter((m) => m.language);
  const chosen = language ? { language, because: '--language' } : matches[0];
  if (!chosen?.language) return undefined;
  const also = [...new Set(matches.map((m) => m.language!))].filter((l) => l !== chosen.language);
  const version = statedVersion(chosen.language, src);
  const name = statedName(chosen.language, src);
  const packages = statedPackages(chosen.language, src);
  return {
    language: chosen.language,
    because: chosen.because,
    also,
    ...(version ? { version } : {}),
    ...(name ? { name } : {}),
    ...(packages ? { packages } : {}),
  };
}
