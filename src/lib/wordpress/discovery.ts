/**
 * Finds a site's REST API root the way WordPress clients should: the `Link: <…>; rel="https://api.w.org/"`
 * header of the home page (or its `<link rel="https://api.w.org/">` tag), then `/wp-json/`, then
 * `?rest_route=/` (the only form that works with plain permalinks). A candidate counts only when it
 * answers JSON: WordPress answers 200 with the HTML front page when REST is broken or permalinks are plain.
 */
import {CliError, ExitCode} from '../errors.js'
import {RestRoot} from './rest-root.js'
import {type RestIndex, restIndexSchema} from './schemas.js'
import {contentType, HOME_ACCEPT, isHtml, isJson, parseJsonBody, type WordPressTransport, type WpError, wpErrorOf, type WpResponse} from './transport.js'
import {looksLikeWordPress, versionFromHtml} from './version.js'

export type DiscoveryVia = 'link-header' | 'link-tag' | 'wp-json' | 'rest_route'

export const DISCOVERY_LABELS: Record<DiscoveryVia, string> = {
  'link-header': 'the Link header',
  'link-tag': 'the <link> tag of the home page',
  'wp-json': '/wp-json/',
  rest_route: '?rest_route=/',
}

export interface Discovery {
  root: RestRoot
  via: DiscoveryVia
  /** The home page as it answered, after redirects (it also carries the generator tag). */
  home: WpResponse
  /** The REST index, when it answered 2xx JSON. */
  index?: RestIndex
  /** The index's JSON error instead, e.g. 401 rest_not_logged_in on a login-only site. */
  indexError?: {status: number; error: WpError}
}

/** Enough of the index to know the site, its namespaces and whether application passwords work. */
export const INDEX_FIELDS = 'name,url,home,namespaces,authentication'

interface Candidate {
  url: string
  via: DiscoveryVia
}

type Probe = {found: true; index?: RestIndex; indexError?: {status: number; error: WpError}} | {found: false; reason: string}

export class RestDiscovery {
  constructor(private readonly transport: WordPressTransport) {}

  /** `home`: the home page of `site` as already fetched (with HOME_ACCEPT), instead of fetching it again. */
  async discover(site: URL, home?: WpResponse): Promise<Discovery> {
    home ??= await this.transport.get(site.href, {accept: HOME_ACCEPT})
    const tried: string[] = []
    for (const candidate of candidates(home)) {
      const root = new RestRoot(candidate.url)
      // eslint-disable-next-line no-await-in-loop -- each candidate only when the previous one failed
      const probe = await this.probe(root)
      if (probe.found) return {root, via: candidate.via, home, index: probe.index, indexError: probe.indexError}
      tried.push(`${DISCOVERY_LABELS[candidate.via]} ${candidate.url} ${probe.reason}`)
    }

    throw noRestApi(site, home, tried)
  }

  private async probe(root: RestRoot): Promise<Probe> {
    const response = await this.transport.get(root.route('', {_fields: INDEX_FIELDS}), {accept: 'application/json'})
    if (!isJson(response)) return {found: false, reason: `answered ${response.status} ${contentType(response) || 'without a Content-Type'}`}
    const body = parseJsonBody(response, `The REST index ${root.url}`)
    if (response.status >= 200 && response.status < 300) {
      const index = restIndexSchema.safeParse(body)
      return index.success ? {found: true, index: index.data} : {found: false, reason: 'answered JSON that is not a WordPress REST index'}
    }

    const error = wpErrorOf(body)
    // A WordPress REST error (login required, a security plugin) still proves the root exists.
    if (error && (response.status === 401 || response.status === 403 || error.code.startsWith('rest_'))) {
      return {found: true, indexError: {status: response.status, error}}
    }

    return {found: false, reason: `answered ${response.status} with JSON that is not from WordPress`}
  }
}

function candidates(home: WpResponse): Candidate[] {
  const list: Candidate[] = []
  const advertised = apiLinkFromHeader(home)
  if (advertised) list.push({url: advertised, via: 'link-header'})
  else if (isHtml(home)) {
    const tag = apiLinkFromHtml(home)
    if (tag) list.push({url: tag, via: 'link-tag'})
  }

  const base = new URL('./', home.url)
  base.search = ''
  base.hash = ''
  list.push({url: new URL('wp-json/', base).href, via: 'wp-json'}, {url: `${base.href}?rest_route=/`, via: 'rest_route'})
  const seen = new Set<string>()
  return list.filter((candidate) => !seen.has(candidate.url) && seen.add(candidate.url))
}

const API_REL = 'https://api.w.org/'

/** `Link: <https://example.com/wp-json/>; rel="https://api.w.org/", <…>; rel="alternate"` */
export function apiLinkFromHeader(response: WpResponse): string | undefined {
  const raw = response.headers.link
  const header = Array.isArray(raw) ? raw.join(', ') : raw
  if (!header) return undefined
  for (const match of header.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1]
    if (rel?.split(/\s+/).includes(API_REL)) return resolve(match[1]!, response.url)
  }

  return undefined
}

export function apiLinkFromHtml(response: WpResponse): string | undefined {
  for (const tag of response.body.match(/<link\b[^>]*>/gi) ?? []) {
    const rel = /\brel\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1]
    const href = /\bhref\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1]
    if (rel?.split(/\s+/).includes(API_REL) && href) return resolve(href.replaceAll('&amp;', '&').replaceAll('&#038;', '&'), response.url)
  }

  return undefined
}

function resolve(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

function noRestApi(site: URL, home: WpResponse, tried: string[]): CliError {
  const detail = `tried ${tried.join('; ')}`
  if (isHtml(home) && looksLikeWordPress(home.body)) {
    const version = versionFromHtml(home.body)
    return new CliError(`${site.href} runs WordPress${version ? ` ${version}` : ''} but its REST API does not answer JSON (${detail}).`, {
      code: 'wordpress_rest_unavailable',
      exitCode: ExitCode.wordpress,
      hint: 'A plugin or a server rule may disable the REST API; igny8 needs it (or the IGNY8 plugin, which is served by it too).',
    })
  }

  return new CliError(`No WordPress REST API found at ${site.href} (home page answered ${home.status}; ${detail}).`, {
    code: 'not_wordpress',
    exitCode: ExitCode.wordpress,
    hint: 'Check that the URL is the WordPress site address (Settings → General) and that the REST API is enabled.',
  })
}
