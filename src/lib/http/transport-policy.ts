/**
 * Credentials travel over https, or over plain http only to this machine (a sandbox, a local
 * WordPress), unless the user explicitly allows it.
 */
import {CliError, ExitCode} from '../errors.js'

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname) || hostname.endsWith('.localhost')
}

/** Whether a secret sent to `url` would cross the network unencrypted. */
export function isCleartext(url: string | URL): boolean {
  const parsed = typeof url === 'string' ? new URL(url) : url
  return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)
}

export function assertCredentialTransport(url: string, what: string, allowHttp: boolean): void {
  const parsed = new URL(url)
  if (!allowHttp && isCleartext(parsed)) {
    throw new CliError(`Refusing to send ${what} over plain http to ${parsed.host}.`, {
      code: 'insecure_transport',
      exitCode: ExitCode.usage,
      hint: 'Use an https URL, or pass --allow-http if you really mean it.',
    })
  }
}
