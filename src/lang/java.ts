// Java: Debian's OpenJDK (JDK in the builder, headless JRE in prod); plain javac/jar; the JRE's CA trust store made
// from the CA bundle in a build step (the work ca-certificates-java's postinst would do).
import type { LanguagePack } from './pack.js';

// Writes a JKS trust store from a PEM bundle with every entry dated SOURCE_DATE_EPOCH (keytool would use the clock).
// JKS layout: magic, version 2, count, then per entry tag 2, alias, date, "X.509", DER; SHA-1 over password+salt+body.
const CACERTS_JAVA = `import java.io.*; import java.nio.charset.StandardCharsets; import java.security.MessageDigest; import java.security.cert.*; import java.util.*;
public class Cacerts { public static void main(String[] a) throws Exception {
  long date = Long.parseLong(System.getenv("SOURCE_DATE_EPOCH")) * 1000L;
  Collection<? extends Certificate> certs; try (InputStream in = new FileInputStream(a[0])) { certs = CertificateFactory.getInstance("X.509").generateCertificates(in); }
  TreeMap<String, X509Certificate> byAlias = new TreeMap<>();
  for (Certificate c : certs) { X509Certificate x = (X509Certificate) c; String alias = x.getSubjectX500Principal().getName("RFC2253").toLowerCase(Locale.ROOT); String k = alias; for (int i = 1; byAlias.containsKey(k); i++) k = alias + " " + i; byAlias.put(k, x); }
  ByteArrayOutputStream body = new ByteArrayOutputStream(); DataOutputStream d = new DataOutputStream(body);
  d.writeInt(0xFEEDFEED); d.writeInt(2); d.writeInt(byAlias.size());
  for (Map.Entry<String, X509Certificate> e : byAlias.entrySet()) { byte[] der = e.getValue().getEncoded(); d.writeInt(2); d.writeUTF(e.getKey()); d.writeLong(date); d.writeUTF("X.509"); d.writeInt(der.length); d.write(der); }
  d.flush(); MessageDigest md = MessageDigest.getInstance("SHA-1");
  for (char ch : "changeit".toCharArray()) { md.update((byte) (ch >> 8)); md.update((byte) ch); }
  md.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8)); md.update(body.toByteArray());
  try (OutputStream out = new FileOutputStream(a[1])) { out.write(body.toByteArray()); out.write(md.digest()); }
  System.out.println("cacerts: " + byAlias.size() + " trusted certificates");
} }`;

const SOURCES = 'if [ -d src/main/java ]; then echo src/main/java; else echo src; fi';
const JAR_DATE = '"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"';

/** Plain javac/jar steps: classes from src/main/java (or src/), a jar with its Main-Class, the java link, cacerts. */
export const JAVA_STEPS: string[] = [
  `SRC=$(${SOURCES}); rm -rf build && mkdir -p build/classes && find "$SRC" -name '*.java' | sort > build/sources.txt && javac -d build/classes --release 17 -encoding UTF-8 @build/sources.txt`,
  `SRC=$(${SOURCES}); MAIN=$(grep -rl --include='*.java' 'public static void main' "$SRC" | sort | head -1 | sed "s|^$SRC/||; s|\\.java$||; s|/|.|g"); `
    + `[ -n "$MAIN" ] || { echo "no class with a main method under $SRC" >&2; exit 1; }; mkdir -p "$AIRLOCK_OUT/app" && `
    + `jar --create --file "$AIRLOCK_OUT/app/app.jar" --main-class "$MAIN" --date=${JAR_DATE} -C build/classes .`,
  `mkdir -p "$AIRLOCK_OUT/usr/bin" && ln -sfn "$(readlink -f /usr/bin/java)" "$AIRLOCK_OUT/usr/bin/java"`,
  `mkdir -p /tmp/cacerts "$AIRLOCK_OUT/etc/ssl/certs/java" && cat > /tmp/cacerts/Cacerts.java <<'AIRLOCK_EOF'\n${CACERTS_JAVA}\nAIRLOCK_EOF\n`
    + 'java /tmp/cacerts/Cacerts.java /etc/ssl/certs/ca-certificates.crt "$AIRLOCK_OUT/etc/ssl/certs/java/cacerts"',
];

/** Tests: classes named *Test under src/test/java (or test/) compiled against the app and run with assertions on. */
export const JAVA_TEST = 'T=$(if [ -d src/test/java ]; then echo src/test/java; elif [ -d test ]; then echo test; fi); '
  + 'if [ -z "$T" ]; then echo "no tests (no src/test/java)"; exit 0; fi; mkdir -p build/test-classes && '
  + 'javac -d build/test-classes -cp build/classes -encoding UTF-8 $(find "$T" -name "*.java" | sort) && '
  + 'for c in $(cd "$T" && find . -name "*Test.java" | sort | sed "s|^\\./||; s|\\.java$||; s|/|.|g"); do echo "== $c"; java -ea -cp build/classes:build/test-classes "$c" || exit 1; done';

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
  builderPackages(version) {
    return [version ? `openjdk-${version}-jdk-headless` : 'default-jdk-headless', 'ca-certificates', 'dpkg-dev'].sort();
  },
  runtimePackages(version) {
    // The headless JRE only; no maintainer scripts run, so its trust store comes from a build step (JAVA_STEPS).
    return [version ? `openjdk-${version}-jre-headless` : 'default-jre-headless'];
  },
  buildEnv(): Record<string, string> {
    return { JAVA_TOOL_OPTIONS: '-Dfile.encoding=UTF-8 -XX:-UsePerfData' };
  },
  defaultSteps() {
    return { fetch: [], steps: JAVA_STEPS, test: [JAVA_TEST] };
  },
  defaultEntrypoint() {
    return ['/usr/bin/java', '-XX:-UsePerfData', '-jar', '/app/app.jar'];
  },
  defaultWorkdir() {
    return '/app';
  },
};
