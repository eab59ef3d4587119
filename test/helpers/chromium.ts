// Opens a page in headless Debian chromium: its DOM after load, its console messages, the network requests the page
// made (from chromium's own net log), and a screenshot.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Flags that keep the browser's own background traffic down; the page's requests are told apart in the net log. */
const QUIET = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-sync',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--hide-scrollbars',
];

export interface PageLoad {
  dom: string;
  console: string[];
  pageRequests: string[];
  stderr: string;
}

function chromium(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('chromium', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

interface NetLog {
  constants: { logEventTypes: Record<string, number> };
  events: { type: number; params?: { url?: string; network_isolation_key?: string } }[];
}

/**
 * URLs a file:// page asked for: URL_REQUEST_START_JOB events whose network isolation key is the page's site
 * (the browser's own update, time and account checks carry the key "null null" or their own site).
 */
export function pageRequestsOf(netLog: NetLog): string[] {
  const start = netLog.constants.logEventTypes.URL_REQUEST_START_JOB;
  return netLog.events
    .filter((e) => e.type === start && e.params?.url && e.params.network_isolation_key?.startsWith('file://'))
    .map((e) => e.params!.url!);
}

/** Loads `url`, returns the DOM chromium serialised, the console lines and the page's network requests. */
export async function loadPage(url: string): Promise<PageLoad> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-chromium-'));
  try {
    const netLog = join(dir, 'net.json');
    const r = await chromium([
      ...QUIET,
      `--user-data-dir=${join(dir, 'profile')}`,
      '--enable-logging=stderr',
      '--v=0',
      `--log-net-log=${netLog}`,
      '--dump-dom',
      url,
    ]);
    if (r.code !== 0) throw new Error(`chromium exited ${r.code}: ${r.stderr.slice(-2000)}`);
    const consoleLines = r.stderr.split('\n').filter((l) => /:CONSOLE[:(]|Refused to|Content Security Policy/.test(l));
    return {
      dom: r.stdout,
      console: consoleLines,
      pageRequests: pageRequestsOf(JSON.parse(readFileSync(netLog, 'utf8'))),
      stderr: r.stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Saves a PNG of the page at `width` × `height`. */
export async function screenshot(url: string, png: string, width = 1200, height = 5200): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-chromium-'));
  try {
    const r = await chromium([
      ...QUIET,
      `--user-data-dir=${join(dir, 'profile')}`,
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      url,
    ]);
    if (r.code !== 0) throw new Error(`chromium exited ${r.code}: ${r.stderr.slice(-2000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
