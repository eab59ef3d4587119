// Shared by the multi-architecture tests: an example whose config builds for amd64 and arm64.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample } from './cli.js';

/**
 * Copies an example and adds `debian.architectures: [amd64, arm64]` to its config (the config says it, not
 * --platform: one lock per architecture). arm64's builder is made under qemu-user, which binfmt_misc must offer.
 */
export async function twoPlatformExample(name: string): Promise<string> {
  assert.ok(existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64'), 'qemu-aarch64 must be registered with binfmt_misc (scripts/setup.sh does it)');
  const dir = await copyExample(name);
  writeFileSync(join(dir, 'airlock.yaml'), `${readFileSync(join(dir, 'airlock.yaml'), 'utf8')}debian:\n  architectures: [amd64, arm64]\n`);
  return dir;
}
