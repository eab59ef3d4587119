// What the Java tests run in a prod image on its jlinked runtime: `java --list-modules`, and a TLS handshake with an
// EC certificate (test/fixtures/java/TlsCheck.java, compiled and keyed here with the host's JDK, bound in read-only).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { runImage, type RunResult } from './oci-runtime.js';

/** Where the Java pack puts prod's jlinked runtime. */
export const JLINKED = '/usr/lib/jvm/airlock-runtime';

function must(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** The modules the runtime in prod lists, without versions, sorted. */
export async function prodModules(layout: string, tag: string): Promise<string[]> {
  const r = await runImage(layout, tag, { readOnly: true, entrypoint: [`${JLINKED}/bin/java`, '--list-modules'] });
  if (r.code !== 0) throw new Error(`java --list-modules failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => l.replace(/@.*$/, '')).sort();
}

/** TlsCheck run in prod (read-only, as its user) against a fresh EC key pair; its output is "TLSv1.3 <suite> EC !". */
export async function prodTlsCheck(layout: string, tag: string): Promise<RunResult> {
  const check = mkdtempSync(join(tmpdir(), 'airlock-tls-check-'));
  try {
    must('javac', ['--release', '17', '-d', check, join(repoRoot, 'test/fixtures/java/TlsCheck.java')]);
    const keyPair = ['-genkeypair', '-keyalg', 'EC', '-groupname', 'secp256r1', '-alias', 'ec', '-dname', 'CN=localhost'];
    must('keytool', [...keyPair, '-validity', '2', '-storetype', 'PKCS12', '-keystore', join(check, 'ec.p12'), '-storepass', 'changeit']);
    // prod's user (65532) reads the bound folder.
    chmodSync(check, 0o755);
    for (const f of readdirSync(check)) chmodSync(join(check, f), 0o644);
    const mount = { destination: '/check', type: 'bind', source: check, options: ['rbind', 'ro'] };
    return await runImage(layout, tag, {
      readOnly: true, entrypoint: [`${JLINKED}/bin/java`, '-cp', '/check', 'TlsCheck', '/check/ec.p12'],
      edit: (spec) => { spec.mounts.push(mount); },
    });
  } finally { rmSync(check, { recursive: true, force: true }); }
}
