/**
 * The one check of a URL a user gives igny8: the IGNY8 API URL (`--api-url`, IGNY8_API_URL, the
 * profile), a WordPress URL (`--wp-url`, IGNY8_WP_URL, the profile, a fleet's integrations) and the
 * sandbox's WordPress URLs. Each caller keeps its own words and exit code: it says which error a
 * problem becomes, and normalises the accepted URL its own way.
 */

/** Why a URL was refused: not a URL at all, a scheme other than http(s), or a user name / password in it. */
export type UrlProblem = 'malformed' | 'scheme' | 'credentials'

/**
 * Parses `raw` (white space around it ignored) as an absolute http or https URL without credentials;
 * anything else throws what `refuse` makes of the problem.
 */
export function parseHttpUrl(raw: string, refuse: (problem: UrlProblem) => Error): URL {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw refuse('malformed')
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('scheme')
  if (url.username || url.password) throw refuse('credentials')
  return url
}
