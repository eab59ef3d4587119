import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  gradleRefusal, hasRuntimeDependencies, JAVA_BUILD, JAVA_STEPS, JAVA_TEST, javaPack, JLINK_EXTRA_MODULES, JLINK_RUNTIME,
  JLINK_STEP, JLINK_STEPS, JRE_STEPS, MAVEN_JAR, MAVEN_TEST, mavenOffline, mavenPackages, MVN, readPom,
} from './java.js';
import { checkVersion, languagePack } from './index.js';
import { AirlockError } from '../errors.js';

test('versions: 17, openjdk-17 and 17.0.2 map to openjdk-17; 21 fails in bookworm naming 17', () => {
  for (const raw of ['17', 'openjdk-17', 'jdk17', '17.0.2', 'java-17']) assert.equal(javaPack.parseVersion(raw), '17', raw);
  assert.deepEqual(javaPack.builderPackages('17', { topFiles: new Set(), topDirs: new Set(), topText: new Map() }), ['binutils', 'ca-certificates', 'dpkg-dev', 'openjdk-17-jdk-headless']);
  assert.deepEqual(javaPack.runtimePackages('17'), ['ca-certificates'], 'no JRE: the runtime is jlinked in a build step');
  assert.throws(() => checkVersion(javaPack, '21', ['openjdk-17-jdk-headless', 'openjdk-17-jre-headless', 'default-jdk'], 'Debian 12'), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.message, 'openjdk 21 is not available in Debian 12; available: 17');
    return true;
  });
  assert.equal(languagePack('java'), javaPack);
  assert.deepEqual(javaPack.defaultEntrypoint!({ topFiles: new Set(), topDirs: new Set(), topText: new Map() }), ['/usr/lib/jvm/airlock-runtime/bin/java', '-XX:-UsePerfData', '-jar', '/app/app.jar']);
});

test('a whole JRE (or JDK) declared in `packages` replaces the jlinked runtime: the java link instead, the same trust store', () => {
  const declared = (packages: string[]) => ({
    topFiles: new Set<string>(), topDirs: new Set(['src']), topText: new Map<string, string>(), packages,
  });
  for (const jre of ['openjdk-17-jre-headless', 'openjdk-17-jre', 'default-jre-headless', 'openjdk-17-jdk-headless']) {
    const src = declared(['curl', jre]);
    assert.deepEqual(javaPack.defaultSteps(src).steps, [...JAVA_BUILD, ...JRE_STEPS], jre);
    assert.equal(javaPack.defaultEntrypoint!(src)![0], '/usr/bin/java', jre);
  }
  for (const other of [[], ['curl'], ['openjdk-17-jre-zero'], ['libopenjdk-17-jre-headless']]) {
    assert.deepEqual(javaPack.defaultSteps(declared(other)).steps, JAVA_STEPS, other.join(' '));
    assert.equal(javaPack.defaultEntrypoint!(declared(other))![0], `${JLINK_RUNTIME}/bin/java`);
  }
  assert.deepEqual(JAVA_STEPS.slice(2), JLINK_STEPS);
  assert.equal(JLINK_STEPS[1], JRE_STEPS[1], 'one trust-store step');
  assert.doesNotMatch(JLINK_STEP, /usr\/bin/, 'dev and test keep the JDK\'s java on PATH');
});

/** Every file and link under a folder, with a digest of its bytes or its target (what an image layer would hold). */
function treeListing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort().flatMap((rel) => {
    const st = lstatSync(join(dir, rel));
    if (st.isSymbolicLink()) return [`${rel} -> ${readlinkSync(join(dir, rel))}`];
    if (!st.isFile()) return [];
    const digest = createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex');
    return [`${rel} ${(st.mode & 0o777).toString(8)} ${digest}`];
  });
}

/** The MODULES= line of a jlinked runtime's release file, as a list. */
const releaseModules = (runtime: string) =>
  /^MODULES="(.*)"$/m.exec(readFileSync(join(runtime, 'release'), 'utf8'))?.[1]?.split(' ');

const hasJdk = spawnSync('javac', ['-version']).status === 0 && spawnSync('jlink', ['--version']).status === 0;

// The steps run here with the host's JDK (as they run in the builder): a jar, the jlinked runtime of the modules jdeps
// finds (and the service providers it cannot see), and a JKS trust store that keytool reads; both builds into
// different folders are byte-identical, runtime included.
test('javac/jar steps, the jlinked runtime and the trust store, with the real JDK and keytool', { skip: !hasJdk && 'no JDK' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-java-'));
  try {
    cpSync(join(import.meta.dirname, '../../examples/java-app'), join(work, 'src'), { recursive: true });
    const script = `set -e\n${JAVA_STEPS.join('\n')}\n${JAVA_TEST}\n`;
    writeFileSync(join(work, 'steps.sh'), script);
    const run = (out: string) => spawnSync('sh', ['-e', join(work, 'steps.sh')], { cwd: join(work, 'src'), env: { ...process.env, AIRLOCK_OUT: out, SOURCE_DATE_EPOCH: '1700000000' }, encoding: 'utf8' });
    const r = run(join(work, 'out1'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /cacerts: \d+ trusted certificates[\s\S]*GreetingTest: ok/);
    assert.match(r.stdout, /jlink: java\.base,java\.net\.http,jdk\.httpserver,jdk\.crypto\.ec,jdk\.zipfs into \/usr\/lib\/jvm\/airlock-runtime$/m);
    const ks = spawnSync('keytool', ['-list', '-keystore', join(work, 'out1/etc/ssl/certs/java/cacerts'), '-storepass', 'changeit'], { encoding: 'utf8' });
    assert.equal(ks.status, 0, ks.stderr);
    assert.match(ks.stdout, /Keystore type: JKS[\s\S]*Your keystore contains \d+ entries/);
    const runtime = join(work, 'out1', JLINK_RUNTIME);
    assert.deepEqual(releaseModules(runtime), ['java.base', 'java.net.http', ...JLINK_EXTRA_MODULES, 'jdk.httpserver'].sort());
    assert.equal(readlinkSync(join(runtime, 'lib/security/cacerts')), '/etc/ssl/certs/java/cacerts');
    assert.equal(readlinkSync(join(runtime, 'lib/libjvm.so')), 'server/libjvm.so');
    for (const absent of ['include', 'man', 'bin/javac']) assert.ok(!existsSync(join(runtime, absent)), absent);
    assert.ok(!existsSync(join(work, 'out1/usr/bin')), 'no java on PATH: dev and test keep the JDK\'s');
    const jar = spawnSync(join(runtime, 'bin/java'), ['-jar', join(work, 'out1/app/app.jar')], { encoding: 'utf8' });
    assert.match(jar.stdout, /^\{"service":"java-app","path":"\/"/, jar.stderr);
    assert.equal(run(join(work, 'out2')).status, 0);
    assert.deepEqual(treeListing(join(work, 'out2')), treeListing(join(work, 'out1')), 'the same files and links, runtime included');
  } finally { rmSync(work, { recursive: true, force: true }); }
});

const src = (files: Record<string, string>) => ({ topFiles: new Set(Object.keys(files)), topDirs: new Set(['src']), topText: new Map(Object.entries(files)) });
const POM = (body: string) => `<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version>${body}</project>`;

test('readPom: packaging, modules, build plugins and the project\'s own dependencies; comments, management, profiles and plugin dependencies do not count', () => {
  const pom = readPom(POM(`
    <parent><groupId>org.example</groupId><artifactId>parent</artifactId><version>1</version></parent>
    <!-- <packaging>war</packaging> <dependency><groupId>commented</groupId><artifactId>out</artifactId></dependency> -->
    <dependencyManagement><dependencies><dependency><groupId>managed</groupId><artifactId>m</artifactId></dependency></dependencies></dependencyManagement>
    <dependencies>
      <dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId><version>2.10</version></dependency>
      <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.9.2</version><scope>test</scope></dependency>
    </dependencies>
    <build><pluginManagement><plugins><plugin><artifactId>maven-enforcer-plugin</artifactId></plugin></plugins></pluginManagement>
      <plugins><plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-shade-plugin</artifactId>
        <dependencies><dependency><groupId>plugin.dep</groupId><artifactId>not-a-plugin</artifactId></dependency></dependencies>
        <configuration><artifactSet><includes><include>x</include></includes></artifactSet></configuration></plugin></plugins></build>
    <profiles><profile><id>p</id><dependencies><dependency><groupId>profiled</groupId><artifactId>p</artifactId></dependency></dependencies></profile></profiles>`));
  assert.deepEqual(pom, {
    packaging: 'jar', modules: false, plugins: ['maven-enforcer-plugin', 'maven-shade-plugin'],
    dependencies: [{ groupId: 'com.google.code.gson', artifactId: 'gson', scope: 'compile' }, { groupId: 'org.junit.jupiter', artifactId: 'junit-jupiter', scope: 'test' }],
  });
  assert.ok(hasRuntimeDependencies(pom));
  assert.deepEqual(readPom(POM('<packaging>pom</packaging><modules><module>a</module></modules>')), { packaging: 'pom', modules: true, plugins: [], dependencies: [] });
  assert.deepEqual(readPom('not xml at all'), { packaging: 'jar', modules: false, plugins: [], dependencies: [] });
});

test('builder set for a pom.xml: Maven and the plugins `package` runs, the pom\'s plugins and test libraries, the dependency plugin only for runtime dependencies', () => {
  const example = readFileSync(join(import.meta.dirname, '../../examples/java-maven/pom.xml'), 'utf8');
  assert.deepEqual(javaPack.builderPackages('17', src({ 'pom.xml': example })), [
    'binutils', 'ca-certificates', 'dpkg-dev', 'junit5', 'libmaven-compiler-plugin-java', 'libmaven-jar-plugin-java', 'libmaven-resources-plugin-java', 'libsurefire-java', 'maven', 'openjdk-17-jdk-headless',
  ]);
  const rich = POM(`<dependencies><dependency><groupId>com.google.code.gson</groupId><artifactId>gson</artifactId></dependency>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency><dependency><groupId>org.testng</groupId><artifactId>testng</artifactId><scope>test</scope></dependency></dependencies>
    <build><plugins><plugin><artifactId>maven-shade-plugin</artifactId></plugin><plugin><groupId>org.codehaus.mojo</groupId><artifactId>exec-maven-plugin</artifactId></plugin><plugin><artifactId>unknown-plugin</artifactId></plugin><plugin><artifactId>constructor</artifactId></plugin></plugins></build>`);
  const pkgs = javaPack.builderPackages(undefined, src({ 'pom.xml': rich }));
  for (const p of ['default-jdk-headless', 'maven', 'junit4', 'testng', 'libmaven-shade-plugin-java', 'libexec-maven-plugin-java', 'libmaven-dependency-plugin-java']) assert.ok(pkgs.includes(p), `${p} in ${pkgs.join(' ')}`);
  assert.deepEqual(pkgs, [...pkgs].sort());
  assert.ok(pkgs.every((p) => typeof p === 'string' && /^[a-z0-9][a-z0-9.+-]+$/.test(p)), 'unknown plugins add nothing');
  // A pom too large to be read still means Maven.
  assert.ok(javaPack.builderPackages('17', { topFiles: new Set(['pom.xml']), topDirs: new Set(), topText: new Map() }).includes('maven'));
  assert.ok(!mavenPackages(readPom(example)).includes('libmaven-dependency-plugin-java'), 'no runtime dependencies, no dependency plugin');
  // Without a pom: the plain JDK set, whatever Gradle files are there.
  assert.deepEqual(javaPack.builderPackages('17', src({ 'build.gradle': "apply plugin: 'java'" })), ['binutils', 'ca-certificates', 'dpkg-dev', 'openjdk-17-jdk-headless']);
});

test('steps for a pom.xml: Maven offline against Debian\'s repository, dated at the epoch, tests by surefire; plain javac/jar without one', () => {
  const d = javaPack.defaultSteps(src({ 'pom.xml': POM('') }));
  assert.equal(d.fetch.length, 0, 'nothing to fetch: the build has no network and needs none');
  assert.equal(d.steps.length, 4);
  assert.match(d.steps[0]!, /mvn --offline --batch-mode .*-Dmaven\.repo\.local=\/usr\/share\/maven-repo -Dproject\.build\.outputTimestamp="\$SOURCE_DATE_EPOCH" -DskipTests package &&/);
  assert.doesNotMatch(d.steps[0]!, /copy-dependencies/);
  assert.equal(d.steps[1], MAVEN_JAR);
  assert.deepEqual(d.steps.slice(2), JLINK_STEPS);
  assert.deepEqual(d.test, [MAVEN_TEST]);
  assert.ok(MAVEN_TEST.startsWith(`${MVN} test && `));
  const withDeps = javaPack.defaultSteps(src({ 'pom.xml': POM('<dependencies><dependency><groupId>g</groupId><artifactId>x</artifactId><scope>runtime</scope></dependency></dependencies>') }));
  assert.match(withDeps.steps[0]!, /package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target\/airlock-lib &&/);
  assert.deepEqual(javaPack.defaultSteps(src({ 'pom.xml': POM(''), 'build.gradle': '' })).steps, d.steps, 'a pom wins over Gradle files');
  assert.deepEqual(javaPack.defaultSteps(src({})), { fetch: [], steps: JAVA_STEPS, test: [JAVA_TEST] });
});

test('Gradle alone, multi-module and non-jar poms: a usage error with a hint when the defaults are needed, none when the config declares steps', () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ 'build.gradle': "plugins { id 'java' }" }, 'gradle-unsupported', /^build\.gradle: .*Debian 12's gradle is 4\.4\.1/],
    [{ 'settings.gradle.kts': '' }, 'gradle-unsupported', /^settings\.gradle\.kts: .*no Kotlin DSL/],
    [{ 'pom.xml': POM('<packaging>pom</packaging><modules><module>a</module></modules>') }, 'maven-layout-unsupported', /this pom has <modules>/],
    [{ 'pom.xml': POM('<packaging>war</packaging>') }, 'maven-layout-unsupported', /this pom has <packaging>war<\/packaging>/],
  ];
  for (const [files, code, message] of cases) {
    const d = javaPack.defaultSteps(src(files));
    assert.deepEqual(d.fetch, []);
    for (const read of [() => d.steps, () => d.test]) {
      assert.throws(read, (e: unknown) => {
        assert.ok(e instanceof AirlockError);
        assert.equal(e.code, code);
        assert.equal(e.exitCode, 2);
        assert.equal(e.location, 'build.steps');
        assert.match(e.message, message);
        assert.match(e.hint!, /declare build\.steps and build\.test/);
        return true;
      });
    }
    // The pipeline takes a default only for a field the config leaves out.
    const declared: { steps?: string[]; test?: string[] } = { steps: ['make'], test: ['make check'] };
    assert.deepEqual({ steps: declared.steps ?? d.steps, test: declared.test ?? d.test }, { steps: ['make'], test: ['make check'] });
  }
  assert.match(gradleRefusal('build.gradle').hint!, /add a pom\.xml/);
});

// The jar step and the offline wrapper run here with the host's JDK and a stand-in `mvn`, as they run in the builder.
test('the Maven jar step: app.jar as Maven built it, or with a Main-Class and the runtime dependencies on its Class-Path; reproducible', { skip: !hasJdk && 'no JDK' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-maven-'));
  const sh = (script: string, cwd: string, out: string, extra: NodeJS.ProcessEnv = {}) => spawnSync('sh', ['-ec', script], { cwd, env: { ...process.env, AIRLOCK_OUT: out, SOURCE_DATE_EPOCH: '1700000000', TMPDIR: work, TZ: 'UTC', ...extra }, encoding: 'utf8' });
  const jar = (args: string[], cwd: string) => assert.equal(spawnSync('jar', args, { cwd, encoding: 'utf8' }).status, 0);
  try {
    // A project as Maven leaves it: target/<artifactId>-<version>.jar (no Main-Class), a sources jar, one runtime dependency.
    const p = join(work, 'p');
    mkdirSync(join(p, 'src/main/java/app'), { recursive: true });
    mkdirSync(join(p, 'dep/lib'), { recursive: true });
    // The dependency alone needs java.logging: jdeps must read the jars in lib/ too.
    const logger = 'java.util.logging.Logger.getLogger("dep").getName().replace("dep", "hi from dep")';
    writeFileSync(join(p, 'dep/lib/Dep.java'), `package lib; public class Dep { public static String hi() { return ${logger}; } }`);
    writeFileSync(join(p, 'src/main/java/app/Main.java'), 'package app; public class Main { public static void main(String[] a) { System.out.println(lib.Dep.hi()); } }');
    assert.equal(spawnSync('javac', ['-d', 'classes', 'dep/lib/Dep.java', 'src/main/java/app/Main.java'], { cwd: p }).status, 0);
    mkdirSync(join(p, 'target/airlock-lib'), { recursive: true });
    jar(['--create', '--file', 'target/airlock-lib/dep-1.0.jar', '-C', 'classes', 'lib'], p);
    jar(['--create', '--file', 'target/a-1.jar', '--date=2023-11-14T22:13:20Z', '-C', 'classes', 'app'], p);
    jar(['--create', '--file', 'target/a-1-sources.jar', '-C', 'src/main/java', '.'], p);
    for (const out of ['o1', 'o2']) {
      const r = sh(MAVEN_JAR, p, join(work, out));
      assert.equal(r.status, 0, r.stderr);
    }
    const run = spawnSync('java', ['-jar', join(work, 'o1/app/app.jar')], { encoding: 'utf8' });
    assert.equal(run.stdout, 'hi from dep\n', run.stderr);
    const mf = sh('jar xf o1/app/app.jar META-INF/MANIFEST.MF && cat META-INF/MANIFEST.MF', work, '');
    assert.match(mf.stdout, /Main-Class: app\.Main\r?\n/);
    assert.match(mf.stdout, /Class-Path: lib\/dep-1\.0\.jar\r?\n/);
    assert.ok(readFileSync(join(work, 'o1/app/app.jar')).equals(readFileSync(join(work, 'o2/app/app.jar'))), 'the updated jar is reproducible');
    assert.ok(readFileSync(join(work, 'o1/app/lib/dep-1.0.jar')).length > 0);
    const linked = sh(JLINK_STEP, p, join(work, 'o1'));
    assert.equal(linked.status, 0, linked.stderr);
    assert.deepEqual(releaseModules(join(work, 'o1', JLINK_RUNTIME)), ['java.base', 'java.logging', ...JLINK_EXTRA_MODULES].sort());
    const jlinkedJava = join(work, 'o1', JLINK_RUNTIME, 'bin/java');
    const onRuntime = spawnSync(jlinkedJava, ['-jar', join(work, 'o1/app/app.jar')], { encoding: 'utf8' });
    assert.equal(onRuntime.stdout, 'hi from dep\n', onRuntime.stderr);

    // A jar whose manifest names its Main-Class and no dependencies: copied byte for byte.
    rmSync(join(p, 'target/airlock-lib'), { recursive: true });
    writeFileSync(join(p, 'mf'), 'Main-Class: app.Main\n');
    jar(['--create', '--file', 'target/a-1.jar', '--manifest', 'mf', '-C', 'classes', '.'], p);
    assert.equal(sh(MAVEN_JAR, p, join(work, 'o3')).status, 0);
    assert.ok(readFileSync(join(work, 'o3/app/app.jar')).equals(readFileSync(join(p, 'target/a-1.jar'))));

    // Two candidate jars, or none: the step says so.
    jar(['--create', '--file', 'target/other-1.jar', '-C', 'classes', 'app'], p);
    assert.match(sh(MAVEN_JAR, p, join(work, 'o4')).stderr, /expected one jar in target\/, found: target\/a-1\.jar\ntarget\/other-1\.jar/);
    rmSync(join(p, 'target'), { recursive: true });
    assert.match(sh(MAVEN_JAR, p, join(work, 'o5')).stderr, /expected one jar in target\/, found: none/);

    // The offline wrapper keeps Maven's exit code and names what Debian's repository lacks.
    mkdirSync(join(work, 'bin'));
    writeFileSync(join(work, 'bin/mvn'), '#!/bin/sh\necho "[ERROR] Plugin x could not be resolved: Cannot access central (https://repo.maven.apache.org/maven2) in offline mode and the artifact org.example.none:no-such-plugin:jar:9.9 has not been downloaded from it before. -> [Help 1]"\nexit 3\n', { mode: 0o755 });
    const failed = sh(mavenOffline('package'), p, join(work, 'o6'), { PATH: `${join(work, 'bin')}:${process.env.PATH}` });
    assert.equal(failed.status, 3);
    assert.match(failed.stdout, /airlock: org\.example\.none:no-such-plugin is in no package of the builder: add the Debian package that ships \/usr\/share\/maven-repo\/org\/example\/none\/no-such-plugin to packages\.dev_packages/);
    assert.match(failed.stdout, /Maven Central is not reachable\n$/);
    writeFileSync(join(work, 'bin/mvn'), '#!/bin/sh\necho "[INFO] BUILD SUCCESS"\n', { mode: 0o755 });
    const ok = sh(mavenOffline('package'), p, join(work, 'o7'), { PATH: `${join(work, 'bin')}:${process.env.PATH}` });
    assert.equal(ok.status, 0);
    assert.equal(ok.stdout, '[INFO] BUILD SUCCESS\n');

    // Surefire's reports (run times) leave the build's /src, but stay where the test image runs the tests.
    writeFileSync(join(work, 'bin/mvn'), '#!/bin/sh\nmkdir -p target/surefire-reports && date +%N > target/surefire-reports/TEST-x.xml\n', { mode: 0o755 });
    const path = { PATH: `${join(work, 'bin')}:${process.env.PATH}` };
    assert.equal(sh(MAVEN_TEST, p, join(work, 'o8'), path).status, 0);
    assert.ok(!existsSync(join(p, 'target/surefire-reports')));
    assert.equal(spawnSync('sh', ['-ec', MAVEN_TEST], { cwd: p, env: { ...process.env, ...path, AIRLOCK_OUT: '' } }).status, 0);
    assert.ok(existsSync(join(p, 'target/surefire-reports/TEST-x.xml')));
  } finally { rmSync(work, { recursive: true, force: true }); }
});
