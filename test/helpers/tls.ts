/**
 * A self-signed certificate made with `openssl` at test time (never committed), for a local https server
 * that igny8 must refuse until NODE_EXTRA_CA_CERTS points at the certificate.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface SelfSignedCert {
  dir: string
  certFile: string
  keyFile: string
  cert: string
  key: string
  remove(): void
}

/** A P-256 certificate for 127.0.0.1 and localhost, valid for two days. */
export function selfSignedCert(): SelfSignedCert {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-tls-'))
  const certFile = path.join(dir, 'cert.pem')
  const keyFile = path.join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    {stdio: 'pipe'},
  )
  return {
    dir,
    certFile,
    keyFile,
    cert: fs.readFileSync(certFile, 'utf8'),
    key: fs.readFileSync(keyFile, 'utf8'),
    remove: () => fs.rmSync(dir, {recursive: true, force: true}),
  }
}
