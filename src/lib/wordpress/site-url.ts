/**
 * The WordPress site URL a user gives (`--wp-url`, IGNY8_WP_URL, the profile): checked once here (by
 * ../url.ts, in the words of a WordPress URL), so the rest of the client can assume an http(s) URL
 * without credentials, query or fragment, ending in "/".
 */
import {usageError} from '../errors.js'
import {parseHttpUrl, type UrlProblem} from '../url.js'

export function parseSiteUrl(raw: string): URL {
  const url = parseHttpUrl(raw, (problem: UrlProblem) => {
    if (problem === 'malformed') {
      return usageError(`Invalid WordPress URL "${raw}": expected an http(s) URL like https://example.com.`, 'Include the scheme: https://example.com.', 'invalid_url')
    }

    if (problem === 'scheme') return usageError(`Invalid WordPress URL "${raw}": only http and https are supported.`, undefined, 'invalid_url')
    return usageError('The WordPress URL must not contain credentials.', 'Use --wp-user with --wp-app-password-stdin instead.', 'invalid_url')
  })
  url.search = ''
  url.hash = ''
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

export {isCleartext} from '../http/transport-policy.js'
