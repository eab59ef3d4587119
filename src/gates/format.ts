// Plain-text rendering of gate results: a findings table and a one-line verdict.
import type { GateResult } from './types.js';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A fixed-width table of findings (severity, check, layer, path, message), errors first. */
export function formatFindings(r: GateResult, width = 160): string {
  if (r.findings.length === 0) return 'no findings\n';
  const rows = [...r.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
    .map((f) => [f.severity.toUpperCase(), f.id, f.layer === undefined ? '-' : String(f.layer), f.path === undefined ? '-' : `/${f.path}`, f.message]);
  const head = ['SEVERITY', 'CHECK', 'LAYER', 'PATH', 'MESSAGE'];
  const w = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const pathW = Math.min(48, Math.max(4, ...rows.map((r) => r[3]!.length)));
  const msgW = Math.max(30, width - w[0]! - w[1]! - w[2]! - pathW - 8);
  const line = (c: string[]) => [c[0]!.padEnd(w[0]!), c[1]!.padEnd(w[1]!), c[2]!.padStart(w[2]!), cut(c[3]!, pathW).padEnd(pathW), cut(c[4]!, msgW)].join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** "PASSED (13 checks, 0 errors, 2 warnings)" or "FAILED (…)". */
export function verdict(r: GateResult): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  return `${r.passed ? 'PASSED' : 'FAILED'} (${r.checks.length} checks, ${errors} error${errors === 1 ? '' : 's'}, ${r.findings.length - errors} warning${r.findings.length - errors === 1 ? '' : 's'})`;
}
