// Java: Debian's OpenJDK. The builder has the JDK; prod runs on a runtime jlink makes of the modules the app needs,
// or on the headless JRE when the config declares it in `packages`. A pom.xml builds with Debian's Maven offline
// against /usr/share/maven-repo; a Gradle script is refused (Debian 12's Gradle is 4.4.1); else plain javac/jar. The
// CA trust store is made from the CA bundle in a build step (the work ca-certificates-java's postinst would do).
// Over 150 lines: the three build systems share the runtime and trust-store steps and the pom reading.
import { AirlockError } from '../errors.js';
import { langAsset, shellTemplate } from './assets.js';
import { refusedSteps, type DefaultSteps, type LanguagePack, type SourceInfo } from './pack.js';

// The trust-store writer (a Java class run from source), written to a file in the build step and run there.
const CACERTS_JAVA = langAsset('java', 'Cacerts.java');

const SOURCES = 'if [ -d src/main/java ]; then echo src/main/java; else echo src; fi';
const JAR_DATE = '"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"';
// The first class under $SRC with a main method, as a class name (empty when there is none).
const FIND_MAIN = `grep -rl --include='*.java' 'public static void main' "$SRC" | sort | head -1 | sed "s|^$SRC/||; s|\\.java$||; s|/|.|g"`;

/** Where prod's jlinked runtime is (its JAVA_HOME); under /usr/lib/jvm, where Debian's JREs are. */
export const JLINK_RUNTIME = '/usr/lib/jvm/airlock-runtime';

/**
 * Modules every jlinked runtime gets besides those jdeps finds: providers that java.base finds through a service
 * loader, which no static analysis sees. jdk.crypto.ec: elliptic curves, without which TLS with an EC certificate
 * fails ("No available authentication scheme") and ECDHE is gone; jdk.zipfs: the zip file system (a jar opened as a
 * FileSystem), small and used to read resources of jars. Not taken: jdk.localedata (10 MB, locales besides English),
 * jdk.charsets (legacy encodings), the debugging and management agents (dev has the whole JDK).
 */
export const JLINK_EXTRA_MODULES = ['jdk.crypto.ec', 'jdk.zipfs'];

/** Packages that are a whole Java runtime: one declared in `packages` replaces the jlinked runtime in prod. */
export const WHOLE_RUNTIME = /^(openjdk-\d+|default)-(jre|jdk)(-headless)?$/;

/** Whether the config declares a whole JRE (or JDK) for prod. */
export const declaresRuntime = (src: SourceInfo): boolean => (src.packages ?? []).some((p) => WHOLE_RUNTIME.test(p));

/** The runtime of the modules app.jar and /app/lib need; nothing under /usr/bin, so dev and test keep the JDK's java. */
export const JLINK_STEP = shellTemplate('java', 'jlink.sh')({
  RUNTIME: JLINK_RUNTIME, EXTRA: JLINK_EXTRA_MODULES.join(','),
});

/** The java link to the declared JRE's real path, so prod needs no alternatives. */
export const JRE_LINK_STEP = 'mkdir -p "$AIRLOCK_OUT/usr/bin" && '
  + 'ln -sfn "$(readlink -f /usr/bin/java)" "$AIRLOCK_OUT/usr/bin/java"';

/** The JKS trust store from the CA bundle at Debian's path, which both runtimes read. */
export const TRUST_STORE_STEP = 'mkdir -p /tmp/cacerts "$AIRLOCK_OUT/etc/ssl/certs/java" && '
  + `cat > /tmp/cacerts/Cacerts.java <<'AIRLOCK_EOF'\n${CACERTS_JAVA}\nAIRLOCK_EOF\n`
  + 'java /tmp/cacerts/Cacerts.java /etc/ssl/certs/ca-certificates.crt "$AIRLOCK_OUT/etc/ssl/certs/java/cacerts"';

/** The steps after the jar: the jlinked runtime and the trust store. */
export const JLINK_STEPS: string[] = [JLINK_STEP, TRUST_STORE_STEP];

/** The steps after the jar when the config declares the JRE: the java link and the trust store. */
export const JRE_STEPS: string[] = [JRE_LINK_STEP, TRUST_STORE_STEP];

/** The runtime steps for a source tree and config: jlink unless `packages` declares a whole runtime. */
export const runtimeSteps = (src: SourceInfo): string[] => (declaresRuntime(src) ? JRE_STEPS : JLINK_STEPS);

/** Plain javac/jar steps: classes from src/main/java (or src/), a jar with its Main-Class. */
export const JAVA_BUILD: string[] = [
  `SRC=$(${SOURCES}); rm -rf build && mkdir -p build/classes && find "$SRC" -name '*.java' | sort > build/sources.txt && javac -d build/classes --release 17 -encoding UTF-8 @build/sources.txt`,
  `SRC=$(${SOURCES}); MAIN=$(${FIND_MAIN}); `
    + `[ -n "$MAIN" ] || { echo "no class with a main method under $SRC" >&2; exit 1; }; mkdir -p "$AIRLOCK_OUT/app" && `
    + `jar --create --file "$AIRLOCK_OUT/app/app.jar" --main-class "$MAIN" --date=${JAR_DATE} -C build/classes .`,
];

/** Plain javac/jar steps, then the jlinked runtime and the trust store. */
export const JAVA_STEPS: string[] = [...JAVA_BUILD, ...JLINK_STEPS];

/** Tests: classes named *Test under src/test/java (or test/) compiled against the app and run with assertions on. */
export const JAVA_TEST = shellTemplate('java', 'java-test.sh')();

/** Debian's Maven repository: the artifacts of every installed Debian Java package, plugins included. */
export const MAVEN_REPO = '/usr/share/maven-repo';

/** Maven, offline, with Debian's repository as its (read-only) local repository. */
export const MVN = `mvn --offline --batch-mode --no-transfer-progress -Dstyle.color=never -Dmaven.repo.local=${MAVEN_REPO}`;

/** What `mvn package` of a jar runs: Debian's repository maps Maven's default plugin versions onto these (relocations). */
export const MAVEN_PACKAGES = ['maven', 'libmaven-compiler-plugin-java', 'libmaven-jar-plugin-java', 'libmaven-resources-plugin-java', 'libsurefire-java'];

/** Debian packages of the Maven plugins a pom may name in <build>, by artifactId. */
export const MAVEN_PLUGIN_PACKAGES: Record<string, string> = {
  'maven-antrun-plugin': 'libmaven-antrun-plugin-java', 'maven-assembly-plugin': 'libmaven-assembly-plugin-java',
  'maven-dependency-plugin': 'libmaven-dependency-plugin-java', 'maven-enforcer-plugin': 'libmaven-enforcer-plugin-java',
  'maven-javadoc-plugin': 'libmaven-javadoc-plugin-java', 'maven-shade-plugin': 'libmaven-shade-plugin-java',
  'maven-source-plugin': 'libmaven-source-plugin-java', 'build-helper-maven-plugin': 'libbuild-helper-maven-plugin-java',
  'exec-maven-plugin': 'libexec-maven-plugin-java',
};

/** Debian packages of common test libraries, by the groupId of a pom dependency. */
export const MAVEN_TEST_PACKAGES: Record<string, string> = {
  junit: 'junit4', 'org.junit.jupiter': 'junit5', 'org.junit.platform': 'junit5', 'org.junit.vintage': 'junit5',
  'org.testng': 'testng', 'org.hamcrest': 'libhamcrest-java', 'org.mockito': 'libmockito-java',
};

/** What the defaults need from a pom.xml. */
export interface Pom {
  packaging: string;
  modules: boolean;
  /** artifactIds of the plugins named in <build> (plugin management included). */
  plugins: string[];
  /** The project's own dependencies (not dependency management, plugins or profiles). */
  dependencies: { groupId: string; artifactId: string; scope: string }[];
}

const element = (xml: string, tag: string) => new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`).exec(xml)?.[1] ?? '';
const without = (xml: string, tags: string[]) => tags.reduce((x, t) => x.replace(new RegExp(`<${t}>[\\s\\S]*?</${t}>`, 'g'), ''), xml);
const blocks = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);

/** Reads a pom.xml's text (pure, tolerant: a pom that is not XML reads as a jar project without plugins or dependencies). */
export function readPom(text: string): Pom {
  const xml = without(text.replace(/<!--[\s\S]*?-->/g, ''), ['profiles', 'reporting']);
  const top = without(xml, ['build', 'dependencyManagement', 'parent']);
  const build = blocks(xml, 'build').join('\n');
  return {
    packaging: element(top, 'packaging') || 'jar',
    modules: /<modules>/.test(top),
    plugins: blocks(build, 'plugin').map((p) => element(without(p, ['dependencies', 'configuration', 'executions']), 'artifactId')).filter(Boolean),
    dependencies: blocks(top, 'dependency').map((d) => ({ groupId: element(d, 'groupId'), artifactId: element(d, 'artifactId'), scope: element(d, 'scope') || 'compile' })),
  };
}

/** Whether the app needs dependency jars at run time (compile or runtime scope). */
export function hasRuntimeDependencies(pom: Pom): boolean {
  return pom.dependencies.some((d) => d.scope === 'compile' || d.scope === 'runtime');
}

/** Builder packages for a pom: Maven, the plugins `package` runs and the pom names, test libraries, the dependency plugin. */
export function mavenPackages(pom: Pom): string[] {
  return [...new Set([
    ...MAVEN_PACKAGES,
    ...pom.plugins.flatMap((p) => (Object.hasOwn(MAVEN_PLUGIN_PACKAGES, p) ? [MAVEN_PLUGIN_PACKAGES[p]!] : [])),
    ...pom.dependencies.flatMap((d) => (Object.hasOwn(MAVEN_TEST_PACKAGES, d.groupId) ? [MAVEN_TEST_PACKAGES[d.groupId]!] : [])),
    ...(hasRuntimeDependencies(pom) ? ['libmaven-dependency-plugin-java'] : []),
  ])].sort();
}

const MAVEN_OFFLINE = shellTemplate('java', 'maven-offline.sh');

/**
 * Runs Maven offline with its output kept; on failure names each artifact missing from Debian's repository, with the
 * versions the repository has or where to find the Debian package (the last lines are what a failed step shows).
 */
export const mavenOffline = (args: string): string => MAVEN_OFFLINE({ MVN, ARGS: args, MAVEN_REPO });

/**
 * target/'s one main jar as /app/app.jar; runtime dependencies beside it in lib/ on its Class-Path, and a Main-Class
 * (the first class with a main method) when the pom's jar plugin sets none; the manifest update is dated at the epoch.
 */
export const MAVEN_JAR = shellTemplate('java', 'maven-jar.sh')({ FIND_MAIN, JAR_DATE });

/**
 * Tests by surefire. In the build (where $AIRLOCK_OUT is set) its reports are dropped afterwards: they hold run times,
 * and the test image's /src would differ on every build; the test image writes its own.
 */
export const MAVEN_TEST = `${MVN} test && if [ -n "\${AIRLOCK_OUT:-}" ]; then rm -rf target/surefire-reports; fi`;

/** Maven steps: `package` offline (tests run in build.test), dated at the epoch; the jar; the runtime steps. */
export function mavenSteps(pom: Pom, runtime: string[]): DefaultSteps {
  if (pom.modules || pom.packaging !== 'jar') {
    return refusedSteps(new AirlockError('usage', 'maven-layout-unsupported', `pom.xml: the Maven defaults build one jar project; this pom has ${pom.modules ? '<modules>' : `<packaging>${pom.packaging}</packaging>`}`, {
      location: 'build.steps', hint: `declare build.steps and build.test (Maven is in the builder: ${MVN} package, then copy the jar to $AIRLOCK_OUT/app/app.jar) and runtime.entrypoint if needed`,
    }));
  }
  const copyDeps = hasRuntimeDependencies(pom) ? ' dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/airlock-lib' : '';
  return {
    fetch: [],
    steps: [mavenOffline(`-Dproject.build.outputTimestamp="$SOURCE_DATE_EPOCH" -DskipTests package${copyDeps}`), MAVEN_JAR, ...runtime],
    test: [MAVEN_TEST],
  };
}

/** Gradle files that mark a Gradle project. */
export const GRADLE_FILES = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];

/** The refusal of a Gradle project: Debian 12's gradle (4.4.1, 2017) cannot run today's build scripts offline. */
export function gradleRefusal(file: string): AirlockError {
  return new AirlockError('usage', 'gradle-unsupported',
    `${file}: Gradle projects have no default build: Debian 12's gradle is 4.4.1 (2017), which runs offline only Groovy scripts written for Gradle 4.4 `
    + '(no Kotlin DSL, no java toolchains, no useJUnitPlatform(), no plugin portal) and only with repositories pointed at /usr/share/maven-repo', {
      location: 'build.steps',
      hint: 'add a pom.xml (Debian\'s Maven 3.8.7 and its plugins build offline), or declare build.steps and build.test, '
        + 'e.g. with packages.dev_packages: [gradle] and "gradle --offline --no-daemon -g /tmp/gradle jar" for a Gradle 4.4 script',
    });
}

/** Which build the defaults use: Maven for a pom.xml, a refusal for Gradle alone, else plain javac/jar. */
export function javaSteps(src: SourceInfo): DefaultSteps {
  const runtime = runtimeSteps(src);
  if (src.topFiles.has('pom.xml')) return mavenSteps(readPom(src.topText.get('pom.xml') ?? ''), runtime);
  const gradle = GRADLE_FILES.find((f) => src.topFiles.has(f));
  if (gradle) return refusedSteps(gradleRefusal(gradle));
  return { fetch: [], steps: [...JAVA_BUILD, ...runtime], test: [JAVA_TEST] };
}

/** The Java pack. */
export const javaPack: LanguagePack = {
  id: 'java',
  versionPackage: /^openjdk-(\d+)-jdk-headless$/,
  toolchainName: 'openjdk',
  parseVersion(raw) {
    if (raw === undefined || raw === '') return undefined;
    const m = /^(?:(?:open)?jdk-?|java-?)?(\d+)(?:\.\d+)*$/i.exec(String(raw).trim());
    return m ? m[1] : String(raw);
  },
  builderPackages(version, src) {
    // binutils: jlink's --strip-debug runs objcopy.
    const jdkPackage = version ? `openjdk-${version}-jdk-headless` : 'default-jdk-headless';
    const jdk = [jdkPackage, 'binutils', 'ca-certificates', 'dpkg-dev'];
    const maven = src.topFiles.has('pom.xml') ? mavenPackages(readPom(src.topText.get('pom.xml') ?? '')) : [];
    return [...new Set([...jdk, ...maven])].sort();
  },
  runtimePackages() {
    // The jlinked runtime is an artifact, its libraries' packages come with the ELF closure; the CA bundle stays in
    // PEM as well (the JRE brought it through ca-certificates-java) for native code that reads it.
    return ['ca-certificates'];
  },
  buildEnv(): Record<string, string> {
    return { JAVA_TOOL_OPTIONS: '-Dfile.encoding=UTF-8 -XX:-UsePerfData' };
  },
  defaultSteps: javaSteps,
  defaultEntrypoint(src) {
    const java = declaresRuntime(src) ? '/usr/bin/java' : `${JLINK_RUNTIME}/bin/java`;
    return [java, '-XX:-UsePerfData', '-jar', '/app/app.jar'];
  },
  defaultWorkdir() {
    return '/app';
  },
};
