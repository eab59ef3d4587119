import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JAVA_STEPS, JAVA_TEST, javaPack } from './java.js';
import { checkVersion, languagePack } from './index.js';
import { AirlockError } from '../errors.js';

test('versions: 17, openjdk-17 and 17.0.2 map to openjdk-17; 21 fails in bookworm naming 17', () => {
  for (const raw of ['17', 'openjdk-17', 'jdk17', '17.0.2', 'java-17']) assert.equal(javaPack.parseVersion(raw), '17', raw);
  assert.deepEqual(javaPack.builderPackages('17', { topFiles: new Set(), topDirs: new Set(), topText: new Map() }), ['ca-certificates', 'dpkg-dev', 'openjdk-17-jdk-headless']);
  assert.deepEqual(javaPack.runtimePackages('17'), ['openjdk-17-jre-headless'], 'the headless JRE, no JDK in prod');
  assert.throws(() => checkVersion(javaPack, '21', ['openjdk-17-jdk-headless', 'openjdk-17-jre-headless', 'default-jdk'], 'Debian 12'), (e: unknown) => {
    assert.ok(e instanceof AirlockError);
    assert.equal(e.message, 'openjdk 21 is not available in Debian 12; available: 17');
    return true;
  });
  assert.equal(languagePack('java'), javaPack);
  assert.deepEqual(javaPack.defaultEntrypoint!({ topFiles: new Set(), topDirs: new Set(), topText: new Map() }), ['/usr/bin/java', '-XX:-UsePerfData', '-jar', '/app/app.jar']);
});

// The steps run here with the host's JDK (as they run in the builder): a jar, the java link and a JKS trust store
// that keytool reads and verifies; the store is byte-identical for the same epoch.
test('javac/jar steps and the generated trust store, with the real JDK and keytool', { skip: spawnSync('javac', ['-version']).status !== 0 && 'no JDK' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'airlock-java-'));
  try {
    cpSync(join(import.meta.dirname, '../../examples/java-app'), join(work, 'src'), { recursive: true });
    const script = `set -e\n${JAVA_STEPS.join('\n')}\n${JAVA_TEST}\n`;
    writeFileSync(join(work, 'steps.sh'), script);
    const run = (out: string) => spawnSync('sh', ['-e', join(work, 'steps.sh')], { cwd: join(work, 'src'), env: { ...process.env, AIRLOCK_OUT: out, SOURCE_DATE_EPOCH: '1700000000' }, encoding: 'utf8' });
    const r = run(join(work, 'out1'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /cacerts: \d+ trusted certificates[\s\S]*GreetingTest: ok/);
    const ks = spawnSync('keytool', ['-list', '-keystore', join(work, 'out1/etc/ssl/certs/java/cacerts'), '-storepass', 'changeit'], { encoding: 'utf8' });
    assert.equal(ks.status, 0, ks.stderr);
    assert.match(ks.stdout, /Keystore type: JKS[\s\S]*Your keystore contains \d+ entries/);
    const jar = spawnSync('java', ['-jar', join(work, 'out1/app/app.jar')], { encoding: 'utf8' });
    assert.match(jar.stdout, /^\{"service":"java-app","path":"\/"/);
    assert.equal(run(join(work, 'out2')).status, 0);
    for (const f of ['etc/ssl/certs/java/cacerts', 'app/app.jar']) {
      assert.ok(readFileSync(join(work, 'out1', f)).equals(readFileSync(join(work, 'out2', f))), `${f} is reproducible`);
    }
  } finally { rmSync(work, { recursive: true, force: true }); }
});
