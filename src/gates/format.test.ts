import { it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFindings, verdict } from './format.js';

it('renders findings as a table, errors first, and a verdict line', () => {
  const r = {
    passed: false, checks: ['no-shell', 'reproducible-metadata'],
    findings: [
      { id: 'reproducible-metadata', severity: 'warning' as const, layer: 0, path: 'app', message: '3 entries differ' },
      { id: 'no-shell', severity: 'error' as const, layer: 1, path: 'bin/sh', message: "shell 'sh' at /bin/sh" },
    ],
  };
  const lines = formatFindings(r).trimEnd().split('\n');
  assert.match(lines[0]!, /^SEVERITY\s+CHECK\s+LAYER\s+PATH\s+MESSAGE$/);
  assert.match(lines[1]!, /^ERROR\s+no-shell\s+1\s+\/bin\/sh\s+shell 'sh' at \/bin\/sh$/);
  assert.match(lines[2]!, /^WARNING\s+reproducible-metadata\s+0\s+\/app\s+3 entries differ$/);
  assert.equal(verdict(r), 'FAILED (2 checks, 1 error, 1 warning)');
  assert.equal(formatFindings({ passed: true, checks: [], findings: [] }), 'no findings\n');
});
