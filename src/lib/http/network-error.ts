/**
 * Words for transport failures (DNS, refused, reset, timeout, TLS), shared by the backend and the
 * WordPress clients, which decide the exit code.
 */
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

  if (code === 'ERR_RESPONSE_TOO_LARGE') {
    return {kind: 'too-large', message: `${message ?? 'the answer is too large'}; it was not read to the end`}
  }

  if (name === 'MaxRedirectsError' || code === 'ERR_TOO_MANY_REDIRECTS') {
    return {kind: 'redirects', message: `${url} redirects in a loop (too many redirects)`}
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

    case 'ECONNREFUSED': {
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

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}
