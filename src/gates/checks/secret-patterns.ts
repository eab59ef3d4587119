// High-confidence secret patterns and credential files; matches report a kind, never the value.

/** A content pattern: the kind of secret it finds. */
export interface SecretPattern { kind: string; re: RegExp }

const NL = String.raw`(?:\r?\n|\\r?\\n)`;

/** Patterns that are specific enough to report in any file (text or binary). */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  // A PEM private key block with real base64 content (libraries only carry the bare marker lines).
  { kind: 'PEM private key', re: new RegExp(String.raw`-----BEGIN ((?:RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----${NL}(?:[A-Za-z0-9-]+: [^\r\n\\]*${NL})*${NL}?[A-Za-z0-9+/=]{40,}`) },
  { kind: 'OpenSSH private key', re: new RegExp(String.raw`-----BEGIN OPENSSH PRIVATE KEY-----${NL}[A-Za-z0-9+/=]{40,}`) },
  { kind: 'PGP private key', re: new RegExp(String.raw`-----BEGIN PGP PRIVATE KEY BLOCK-----${NL}(?:[A-Za-z]+: [^\r\n\\]*${NL})*${NL}?[A-Za-z0-9+/=]{40,}`) },
  { kind: 'AWS access key id', re: /\b(?:AKIA|ASIA)(?!IOSFODNN7EXAMPLE)[0-9A-Z]{16}\b/ },
  { kind: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b|\bgithub_pat_[A-Za-z0-9_]{80,}/ },
  { kind: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/ },
  { kind: 'Slack token', re: /\bxox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{10,}/ },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'Stripe live key', re: /\b[sr]k_live_[0-9a-zA-Z]{24,}\b/ },
  { kind: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'PyPI token', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/ },
  { kind: 'GCP service account key', re: /"type"\s*:\s*"service_account"[\s\S]{0,2000}"private_key"\s*:\s*"-----BEGIN/ },
];

/** A credential file recognised by its path; `token` says which content makes it a finding. */
export interface CredentialFile { kind: string; path: RegExp; token: RegExp }

/** Well-known credential files and the content that means they hold a secret. */
export const CREDENTIAL_FILES: readonly CredentialFile[] = [
  { kind: '.npmrc auth token', path: /(^|\/)\.npmrc$|^(usr\/)?etc\/npmrc$/,
    // A value that is only a ${VARIABLE} reference (npm expands it at run time: the way to keep tokens out of files)
    // holds no secret.
    token: /(_authToken|_auth|_password)\s*=[ \t]*(?!\$\{[A-Za-z_][A-Za-z0-9_]*\}[ \t]*$)\S/m },
  { kind: '.netrc password', path: /(^|\/)[._]netrc$/, token: /\bpassword\s+\S/ },
  { kind: '.git-credentials', path: /(^|\/)\.git-credentials$/, token: /:\/\/[^\s:@/]+:[^\s@/]+@/ },
  { kind: '.pypirc password', path: /(^|\/)\.pypirc$/, token: /^\s*password\s*[=:]\s*\S/m },
  { kind: '.env secret', path: /(^|\/)\.env(\.[A-Za-z0-9_-]+)?$/, token: /^\s*(export\s+)?[A-Za-z0-9_]*(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)[A-Za-z0-9_]*\s*=\s*['"]?[^\s'"#]{4,}/im },
  { kind: 'AWS credentials', path: /(^|\/)\.aws\/(credentials|config)$/, token: /aws_(secret_access_key|session_token)\s*=\s*\S/ },
  { kind: 'Docker registry auth', path: /(^|\/)\.docker\/config\.json$|(^|\/)containers\/auth\.json$/, token: /"auth"\s*:\s*"[A-Za-z0-9+/=]{8,}"/ },
  { kind: 'Kubernetes credentials', path: /(^|\/)\.kube\/config$/, token: /(client-key-data|token|password)\s*:\s*\S{8,}/ },
  { kind: 'gcloud credentials', path: /(^|\/)\.config\/gcloud\/(credentials\.db|access_tokens\.db|application_default_credentials\.json|legacy_credentials\/.*)$/, token: /[\s\S]/ },
  { kind: 'Azure credentials', path: /(^|\/)\.azure\/(accessTokens\.json|msal_token_cache\.(json|bin))$/, token: /[\s\S]/ },
  { kind: 'SSH private key file', path: /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/, token: /PRIVATE KEY/ },
];

/** Kinds of secrets found in the text (no values, no positions). */
export function findSecrets(text: string): string[] {
  return SECRET_PATTERNS.filter((p) => p.re.test(text)).map((p) => p.kind);
}

/** The credential-file rule for a path, if any. */
export function credentialFile(path: string): CredentialFile | undefined {
  return CREDENTIAL_FILES.find((c) => c.path.test(path));
}
