// Writes a JKS trust store from a PEM bundle with every entry dated SOURCE_DATE_EPOCH (keytool would use the clock):
// the work ca-certificates-java's postinst would do, which no maintainer script runs for prod.
// Usage: java Cacerts.java <PEM bundle> <JKS out>. Aliases are the subjects (RFC 2253, lower case), in sorted order.
// JKS layout: magic, version 2, count, then per entry tag 2, alias, date, "X.509", DER; SHA-1 over password+salt+body.
// A build step writes this class (the lines below this header, as they are) to a file and runs it: see src/lang/java.ts.
import java.io.*; import java.nio.charset.StandardCharsets; import java.security.MessageDigest; import java.security.cert.*; import java.util.*;
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
} }
