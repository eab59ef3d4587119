// Usage errors of keygen/sign/verify/vex: exit code 2 with a message naming the file or flag and a hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '../../src/errors.js';
import { memoryLog } from '../../src/log.js';
import type { CommandContext } from '../../src/cli/command.js';
import { command as keygen } from '../../src/cli/commands/keygen.js';
import { command as sign } from '../../src/cli/commands/sign.js';
import { command as verify } from '../../src/cli/commands/verify.js';
import { command as vex } from '../../src/cli/commands/vex.js';

const cwd = mkdtempSync(join(tmpdir(), 'airlock-evidence-cli-'));
const out: string[] = [];
const ctx = (env: NodeJS.ProcessEnv = {}): CommandContext => ({ env, cwd, log: memoryLog(), stdout: (t) => out.push(t) });

async function usageError(p: Promise<number>, re: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AirlockError, String(e));
    assert.equal(e.exitCode, 2, e.message);
    assert.match(e.message, re);
    if (hint) assert.match(e.hint ?? '', hint);
    return true;
  });
}

test('missing arguments and unknown flags', async () => {
  await usageError(sign.run([], ctx()), /needs one IMAGE and --key/, /usage: airlock sign/);
  await usageError(verify.run(['oci:x'], ctx()), /needs one IMAGE and --key PUB/);
  await usageError(vex.run(['oci:x'], ctx()), /needs --scan REPORT/);
  await usageError(keygen.run(['--bogus'], ctx()), /keygen: Unknown option '--bogus'/);
});

test('key problems name the file and say what to do', async () => {
  await usageError(sign.run(['oci:x', '--key', 'nope.key'], ctx()), /cannot read key file .*nope\.key/, /airlock keygen/);
  assert.equal(await keygen.run(['--out', 'enc'], ctx({ AIRLOCK_KEY_PASSWORD: 'pw' })), 0);
  await usageError(sign.run(['oci:x', '--key', 'enc.key'], ctx()), /enc\.key is encrypted/, /AIRLOCK_KEY_PASSWORD/);
  await usageError(sign.run(['oci:x', '--key', 'enc.key'], ctx({ AIRLOCK_KEY_PASSWORD: 'wrong' })), /wrong passphrase/);
  writeFileSync(join(cwd, 'rsa.pub'), '-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMBeMLLsQhJ9qL1ZPNVZz7CEVwFL6vkm\nZr0fQ9k/6E5QpnnpPRRsJ9TyT3ThgpCcYN4QvDkp1Y3V3aGP7M2ed8ECAwEAAQ==\n-----END PUBLIC KEY-----\n');
  await usageError(verify.run(['oci:x', '--key', 'rsa.pub'], ctx()), /(not an ECDSA P-256 key|cannot read public key)/);
});

test('bad references and reports', async () => {
  await usageError(verify.run(['http://example/x', '--key', 'enc.pub'], ctx()), /unsupported image reference/);
  writeFileSync(join(cwd, 'r.json'), '{"hello":1}');
  await usageError(vex.run(['--scan', 'r.json', 'oci:x'], ctx()), /neither a Trivy nor a Grype/);
  await usageError(vex.run(['--scan', 'missing.json', 'oci:x'], ctx()), /cannot read scan report/);
});
