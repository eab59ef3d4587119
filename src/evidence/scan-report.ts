// Reads vulnerability scanner reports (Trivy JSON, Grype JSON) into one small finding type.
import { AirlockError } from '../errors.js';

/** One vulnerability in one installed package, as a scanner reported it. */
export interface Finding {
  vulnerability: string;
  /** Binary package name. */
  package: string;
  installedVersion: string;
  /** Fixed version when the scanner knows one. */
  fixedVersion?: string;
  purl?: string;
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function trivy(doc: Any): Finding[] {
  const out: Finding[] = [];
  for (const r of (doc.Results ?? []) as Any[]) {
    for (const v of (r.Vulnerabilities ?? []) as Any[]) {
      if (typeof v.VulnerabilityID !== 'string' || typeof v.PkgName !== 'string') continue;
      out.push({
        vulnerability: v.VulnerabilityID,
        package: v.PkgName,
        installedVersion: String(v.InstalledVersion ?? ''),
        ...(v.FixedVersion ? { fixedVersion: String(v.FixedVersion) } : {}),
        ...(v.PkgIdentifier?.PURL ? { purl: String(v.PkgIdentifier.PURL) } : {}),
      });
    }
  }
  return out;
}

function grype(doc: Any): Finding[] {
  const out: Finding[] = [];
  for (const m of doc.matches as Any[]) {
    const id = m.vulnerability?.id;
    const a = m.artifact ?? {};
    if (typeof id !== 'string' || typeof a.name !== 'string') continue;
    const fixes: string[] = m.vulnerability?.fix?.state === 'fixed' ? (m.vulnerability.fix.versions ?? []) : [];
    out.push({
      vulnerability: id,
      package: a.name,
      installedVersion: String(a.version ?? ''),
      ...(fixes.length ? { fixedVersion: fixes.join(', ') } : {}),
      ...(a.purl ? { purl: String(a.purl) } : {}),
    });
  }
  return out;
}

/** Parses a Trivy or Grype JSON report; `file` names it in errors. */
export function parseScanReport(text: string, file: string): { scanner: 'trivy' | 'grype'; findings: Finding[] } {
  let doc: Any;
  try {
    doc = JSON.parse(text) as Any;
  } catch (cause) {
    throw new AirlockError('usage', 'bad-scan-report', `${file} is not valid JSON`, { cause, hint: 'pass `trivy image -f json` or `grype -o json` output' });
  }
  if (doc && Array.isArray(doc.matches)) return { scanner: 'grype', findings: grype(doc) };
  if (doc && (Array.isArray(doc.Results) || doc.SchemaVersion !== undefined)) return { scanner: 'trivy', findings: trivy(doc) };
  throw new AirlockError('usage', 'bad-scan-report', `${file} is neither a Trivy nor a Grype JSON report`, {
    hint: 'Trivy reports have "Results", Grype reports have "matches"; produce them with `trivy image -f json` or `grype -o json`',
  });
}
