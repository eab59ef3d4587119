import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './common.js';

test('stopOnSignal: SIGTERM ends the child, starts no new one, and exits 143 only after stop, a second signal too',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stop-on-signal-'));
    const marker = join(dir, 'marker');
    const fixture = join(repoRoot, 'bench', 'fixtures', 'stop-on-signal.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, marker], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    await new Promise<void>((res) => child.stdout.on('data', (c: Buffer) => { if (c.toString().includes('ready')) res(); }));
    child.kill('SIGTERM');
    await new Promise((res) => setTimeout(res, 100));
    child.kill('SIGTERM'); // while the 0.5 s stop runs: must not exit early
    const code = await exited;
    try {
      assert.equal(code, 143, stderr);
      assert.equal(existsSync(marker) && readFileSync(marker, 'utf8'), 'stopped', 'exited before stop was done');
      assert.match(stderr, /SIGTERM: stopping dockerd/);
      assert.match(stderr, /SIGTERM: already stopping/);
      assert.match(stderr, /sleep ended by SIGTERM; a later child: true not started: the bench is stopping \(SIGTERM\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
