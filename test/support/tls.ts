// Throw-away PKI for tests of TLS clients: a CA, a server certificate for 127.0.0.1 and localhost, a
// client certificate (CN given), and a second CA nobody trusts. Made with the openssl command in a
// temporary directory, once per process; everything is PEM text.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
  /** A CA that signed none of the above. */
  otherCa: string;
  /** The directory holding every file as <name>.pem (for kubeconfig file paths). */
  dir: string;
}

let made: TestPki | undefined;

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function signed(dir: string, name: string, subject: string, ext?: string): void {
  openssl(
    dir,
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  );
  const extArgs: string[] = [];
  if (ext !== undefined) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    extArgs.push('-extfile', `${name}.ext`);
  }
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca-key.pem',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.pem`,
    ...extArgs,
  );
}

function selfSigned(dir: string, name: string, subject: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    subject,
  );
}

/** The PKI (made on first use; its directory is removed when the process exits). */
export function testPki(clientCn = 'node-a'): TestPki {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'purelb-pki-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  selfSigned(dir, 'ca', '/CN=purelb-test-ca');
  selfSigned(dir, 'other-ca', '/CN=someone-else');
  signed(dir, 'server', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  signed(dir, 'client', `/CN=${clientCn}`, 'extendedKeyUsage=clientAuth\n');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  made = {
    ca: read('ca.pem'),
    serverKey: read('server-key.pem'),
    serverCert: read('server.pem'),
    clientKey: read('client-key.pem'),
    clientCert: read('client.pem'),
    otherCa: read('other-ca.pem'),
    dir,
  };
  return made;
}
