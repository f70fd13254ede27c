import type {Got} from 'got'
/**
 * The one way igny8 talks HTTP to a WordPress site: GET through the shared got client (retries, trace),
 * a count of the HTTP exchanges made (redirects and retries included), transport failures turned into
 * exit 5 with words from network-error.ts, and the small readers every caller needs (JSON or not, the
 * WordPress error body). No REST knowledge lives here.
 */
import type {IncomingHttpHeaders} from 'node:http'

import {CliError, ExitCode} from '../errors.js'
import {describeNetworkError} from '../http/network-error.js'
import {isCleartext} from './site-url.js'

export interface WpResponse {
  /** The URL that answered, after redirects. */
  url: string
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** WordPress's error body: `{"code","message","data":{"status"}}`. */
export interface WpError {
  code: string
  message: string
}

/**
 * Transport errors worth a retry against a web server. A refused connection or an unknown host is
 * reported at once: retrying them only makes a typo in --wp-url slow.
 */
const RETRIED_ERROR_CODES = ['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']

/** What a browser asks a home page for; discovery reads the home page with it. */
export const HOME_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'
const INSECURE_REDIRECT = 'IGNY8_INSECURE_REDIRECT'

export class WordPressTransport {
  private readonly http: Got
  private exchanges = 0

  constructor(http: Got) {
    this.http = http.extend({
      retry: {errorCodes: RETRIED_ERROR_CODES},
      hooks: {
        beforeRedirect: [
          (options, response) => {
            // got drops credentials when the host changes, not when https is downgraded to http.
            const to = options.url instanceof URL ? options.url : new URL(String(options.url))
            if (options.headers.authorization && isCleartext(to) && !isCleartext(response.url)) {
              throw Object.assign(new Error(`refusing to follow a redirect from ${response.url} to ${to.href} with credentials`), {code: INSECURE_REDIRECT})
            }
          },
        ],
      },
    })
  }

  /** HTTP exchanges made so far, redirects and retries included. */
  get requests(): number {
    return this.exchanges
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<WpResponse> {
    try {
      const response = await this.http.get(url, {headers})
      this.exchanges += 1 + response.redirectUrls.length + response.retryCount
      return {url: response.url, status: response.statusCode, headers: response.headers, body: response.body}
    } catch (error) {
      this.exchanges += 1 + ((error as {request?: {retryCount?: number}}).request?.retryCount ?? 0)
      throw transportError(error, url)
    }
  }
}

export function transportError(error: unknown, url: string): CliError {
  if ((error as {code?: string}).code === INSECURE_REDIRECT) {
    return new CliError(`WordPress redirected to plain http: ${(error as Error).message}.`, {
      code: 'wordpress_insecure_redirect',
      exitCode: ExitCode.wordpress,
      hint: 'Use the https:// address of the site in --wp-url.',
      cause: error,
    })
  }

  const problem = describeNetworkError(error, url)
  const kind = problem?.kind ?? 'other'
  if (kind === 'too-large') {
    return new CliError(`WordPress sent an answer igny8 cannot use: ${problem?.message}.`, {
      code: 'wordpress_response_too_large',
      exitCode: ExitCode.unexpected,
      hint: 'A plugin, cache or proxy may be serving something else at that URL; open it in a browser to see what it sends.',
      cause: error,
    })
  }

  return new CliError(`Cannot reach WordPress: ${problem?.message ?? (error as Error).message}.`, {
    code: kind === 'tls' ? 'wordpress_tls' : kind === 'redirects' ? 'wordpress_redirect_loop' : 'wordpress_unreachable',
    exitCode: ExitCode.wordpress,
    hint: problem?.hint,
    cause: error,
  })
}

export function contentType(response: WpResponse): string {
  return String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}

/** `application/json` or any `+json` type; WordPress answers HTML with 200 when REST is broken. */
export function isJson(response: WpResponse): boolean {
  return /^application\/([\w.-]+\+)?json$/.test(contentType(response))
}

export function isHtml(response: WpResponse): boolean {
  return contentType(response) === 'text/html'
}

/** The body of a response that says it is JSON; a body that is not → exit 7. */
export function parseJsonBody(response: WpResponse, what: string): unknown {
  try {
    return JSON.parse(response.body.replace(/^\uFEFF/, ''))
  } catch {
    const start = response.body.trim().slice(0, 60).replaceAll(/\s+/g, ' ')
    throw new CliError(`${what} answered with Content-Type ${contentType(response)} but the body is not JSON (starts with "${start}").`, {
      code: 'wordpress_bad_json',
      exitCode: ExitCode.unexpected,
      hint: 'A plugin or PHP notice may be printing before the REST response; check the site\'s PHP error log.',
    })
  }
}

/** WordPress's `{code, message}` error, with the HTML some core messages carry stripped. */
export function wpErrorOf(body: unknown): WpError | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined
  const {code, message} = body as {code?: unknown; message?: unknown}
  if (typeof code !== 'string') return undefined
  return {code, message: typeof message === 'string' ? plainText(message) : ''}
}

export function describeWpError(error: WpError): string {
  return error.message ? `${error.code}: ${error.message}` : error.code
}

/** Ends a message with one full stop, even when it ends with a WordPress message that has its own. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}

function plainText(html: string): string {
  return html
    .replaceAll(/<[^>]*>/g, '')
    .replaceAll('&quot;', '"')
    .replaceAll('&#039;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .trim()
}
