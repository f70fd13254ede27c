/**
 * Words for transport failures (DNS, refused, reset, timeout, TLS), shared by the backend and the
 * WordPress clients, which decide the exit code.
 */
import {isLoopbackHost} from './transport-policy.js'

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
])

export interface NetworkProblem {
  kind: 'dns' | 'refused' | 'reset' | 'timeout' | 'tls' | 'redirects' | 'too-large' | 'other'
  message: string
  hint?: string
}

export function describeNetworkError(error: unknown, url: string): NetworkProblem | undefined {
  if (!error || typeof error !== 'object') return undefined
  const {code, name, message} = error as {code?: string; name?: string; message?: string}
  const host = hostOf(url)
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return {kind: 'timeout', message: `${host} did not answer in time (${message ?? 'timeout'})`}
  }

  if (code === 'ERR_ABORTED') {
    return {kind: 'timeout', message: `gave up on ${host}: the site's time limit (--site-timeout) ran out`, hint: 'Raise --site-timeout if the site is only slow.'}
  }

  if (code === 'ERR_RESPONSE_TOO_LARGE') {
    return {kind: 'too-large', message: `${message ?? 'the answer is too large'}; it was not read to the end`}
  }

  if (name === 'MaxRedirectsError' || code === 'ERR_TOO_MANY_REDIRECTS') {
    return {kind: 'redirects', message: `${url} redirects in a loop (too many redirects)`}
  }

  if (speaksPlainHttp(code, message)) {
    return {kind: 'tls', message: `https://${host} cannot work: this port speaks plain HTTP, not TLS`, hint: plainHttpHint(url, host)}
  }

  if (code && TLS_CODES.has(code)) {
    return {
      kind: 'tls',
      message: `TLS certificate problem with ${host}: ${code}`,
      hint: 'If the site uses a private or self-signed CA, point NODE_EXTRA_CA_CERTS at its PEM file; TLS is always verified.',
    }
  }

  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      return {kind: 'dns', message: `cannot resolve host ${host}`, hint: 'Check the URL for typos and that the host exists.'}
    }

    // Node 24: when got retries a refused connection, the retry fails with this code instead of
    // ECONNREFUSED (test/unit/http/network-error.test.ts). Either way no connection was ever made.
    case 'ECONNREFUSED':
    case 'ERR_SOCKET_CLOSED_BEFORE_CONNECTION': {
      return {kind: 'refused', message: `connection refused by ${host}`, hint: 'Is the server running and listening on that port?'}
    }

    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE': {
      return {kind: 'reset', message: `the connection to ${host} was dropped before the answer was complete`}
    }

    case 'EHOSTUNREACH':
    case 'ENETUNREACH': {
      return {kind: 'refused', message: `${host} is unreachable (${code})`}
    }

    default: {
      if (name === 'RequestError' || name === 'ReadError' || code) {
        return {kind: 'other', message: `request to ${host} failed: ${code ?? message ?? name}`}
      }

      return undefined
    }
  }
}

/**
 * An https:// request to a port that answers plain HTTP: OpenSSL reads the server's "HTTP/1.1 400" as a
 * TLS record and reports "wrong version number" (or "packet length too long"; "http request" from the
 * other side of the mistake), all as EPROTO.
 */
function speaksPlainHttp(code: string | undefined, message: string | undefined): boolean {
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST') return true
  return code === 'EPROTO' && /wrong version number|packet length too long|http request/i.test(message ?? '')
}

function plainHttpHint(url: string, host: string): string {
  let loopback = false
  try {
    loopback = isLoopbackHost(new URL(url).hostname)
  } catch {
    // Not a URL: no advice about another machine.
  }

  return loopback
    ? `Use http://${host} instead of https://${host} (or the port where the server speaks TLS).`
    : `Use http://${host} with --allow-http (credentials go to another machine over plain http only with it), or the port where the server speaks TLS.`
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
