// A throw-away certificate authority and an HTTPS server on loopback signed by it (made with the openssl tool), for
// TLS clients in an image that must verify the server against the image's own trust store.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A test CA and a server certificate for localhost and 127.0.0.1, PEM-encoded. */
export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/** Makes a CA (`name` as its common name) and a server certificate it signs, valid for a day. */
export function makeTestPki(name: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-pki-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    openssl(['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1',
      '-extfile', 'server.ext', '-out', 'server.pem'], dir);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { caCert: read('ca.pem'), serverCert: read('server.pem'), serverKey: read('server.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on 127.0.0.1 (a free port) that answers every request with 200 and `body`. */
export async function startHttpsServer(pki: TestPki, body: string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer({ cert: pki.serverCert, key: pki.serverKey }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
