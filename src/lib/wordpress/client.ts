/**
 * A WordPress REST client bound to one discovered root: optional application-password (Basic) auth,
 * JSON-only answers, zod-checked shapes, and WordPress errors mapped to exit codes — 401/403 means
 * "login required" (5) for an anonymous client and "rejected" (4) for an authenticated one.
 */
import type {z} from 'zod'

import type {Query, RestRoot} from './rest-root.js'

import {describeIssues} from '../backend/contract.js'
import {CliError, type CliErrorOptions, ExitCode} from '../errors.js'
import {registerSecret} from '../secrets.js'
import {currentUserSchema, postTypesSchema, type RestIndex, restIndexSchema, taxonomiesSchema, type WpUser} from './schemas.js'
import {contentType, describeWpError, isJson, parseJsonBody, sentence, type WordPressTransport, type WpError, wpErrorOf, type WpResponse} from './transport.js'

export interface WpCredentials {
  user: string
  /** An application password (with or without the spaces WordPress shows). */
  password: string
}

export type CountOutcome = {ok: true; count: number} | {ok: false; status: number; error: WpError}

/**
 * WordPress answered with an error status, or with a page where JSON belongs: the status is kept, so a
 * gather can tell a passing failure (a 5xx, a 429) from a lasting one.
 */
export class WordPressAnswerError extends CliError {
  readonly status: number

  constructor(message: string, options: CliErrorOptions & {status: number}) {
    super(message, options)
    this.status = options.status
  }
}

export class WordPressClient {
  private readonly headers: Record<string, string> = {accept: 'application/json'}

  constructor(
    readonly transport: WordPressTransport,
    readonly root: RestRoot,
    readonly credentials?: WpCredentials,
  ) {
    if (credentials) {
      const token = Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')
      registerSecret(credentials.password)
      registerSecret(token)
      this.headers.authorization = `Basic ${token}`
    }
  }

  get authenticated(): boolean {
    return this.credentials !== undefined
  }

  /**
   * Checks the credentials. Stock WordPress runs a request with wrong credentials as anonymous (200 with
   * public data), so only a route that needs a user tells: `/wp/v2/users/me`.
   */
  async verifyCredentials(applicationPasswordsAvailable?: boolean): Promise<WpUser> {
    const what = '/wp/v2/users/me'
    const {response, body} = await this.request('wp/v2/users/me', {_fields: 'id,name,slug'}, what)
    if (response.status === 401 || response.status === 403) {
      const error = wpErrorOf(body) ?? {code: `http_${response.status}`, message: ''}
      throw new CliError(`WordPress rejected the credentials of user "${this.credentials?.user}" (${response.status} ${describeWpError(error)}).`, {
        code: 'wordpress_auth_rejected',
        exitCode: ExitCode.auth,
        hint:
          applicationPasswordsAvailable === false
            ? 'This site does not offer application passwords (WordPress enables them only over HTTPS or with WP_ENVIRONMENT_TYPE local), so it treats every request as anonymous.'
            : 'Use an application password (Users → Profile → Application Passwords), not the login password, and check the user name.',
      })
    }

    if (response.status === 404) {
      // Security plugins (and some hardening snippets) remove the users routes, so the credentials cannot be checked.
      const error = wpErrorOf(body) ?? {code: 'http_404', message: ''}
      throw new WordPressAnswerError(
        `WordPress has no ${what} route (404 ${describeWpError(error)}), so the application password of user "${this.credentials?.user}" cannot be verified.`,
        {
          code: 'wordpress_users_route_hidden',
          exitCode: ExitCode.wordpress,
          hint: 'A security plugin usually hides the users endpoint. Read the site anonymously (without --wp-user and the application password), or allow /wp/v2/users/me for logged-in users in that plugin.',
          status: response.status,
        },
      )
    }

    if (!ok(response)) throw this.restError(response, body, what)
    return parse(body, currentUserSchema, what)
  }

  /** The REST index, for a client that could not read it anonymously. */
  async index(fields: string): Promise<RestIndex | undefined> {
    const {response, body} = await this.request('', {_fields: fields}, 'The REST index')
    if (!ok(response)) return undefined
    const parsed = restIndexSchema.safeParse(body)
    return parsed.success ? parsed.data : undefined
  }

  /** `/wp/v2/types`, keyed by slug. Never with `_fields`: WordPress 6.1 empties keyed collections with it. */
  async postTypes(): Promise<z.infer<typeof postTypesSchema>> {
    return this.getJson('wp/v2/types', {}, postTypesSchema, '/wp/v2/types')
  }

  /** `/wp/v2/taxonomies`, keyed by slug (no `_fields`, as above). */
  async taxonomies(): Promise<z.infer<typeof taxonomiesSchema>> {
    return this.getJson('wp/v2/taxonomies', {}, taxonomiesSchema, '/wp/v2/taxonomies')
  }

  /**
   * The size of a collection from `X-WP-Total`, in one `per_page=1` request. A collection the client may
   * not read (401/403) is an outcome, not an error: the caller decides what that means.
   */
  async countCollection(route: string, query: Query = {}): Promise<CountOutcome> {
    const what = `/${route}`
    const {response, body} = await this.request(route, {...query, per_page: 1, _fields: 'id'}, what)
    if (response.status === 401 || response.status === 403) {
      return {ok: false, status: response.status, error: wpErrorOf(body) ?? {code: `http_${response.status}`, message: ''}}
    }

    if (!ok(response)) throw this.restError(response, body, what)
    if (!Array.isArray(body)) throw unexpected(`${what} answered JSON that is not a list.`, 'wordpress_bad_shape')
    const total = response.headers['x-wp-total']
    if (typeof total !== 'string' || !/^\d+$/.test(total.trim())) {
      throw unexpected(
        `${what} answered without a usable X-WP-Total header (${total === undefined ? 'missing' : `"${String(total)}"`}).`,
        'wordpress_missing_total',
        'A cache, proxy or security plugin in front of WordPress may strip it; let X-WP-Total through.',
      )
    }

    return {ok: true, count: Number(total)}
  }

  async getJson<S extends z.ZodType>(route: string, query: Query, schema: S, what: string): Promise<z.infer<S>> {
    const {response, body} = await this.request(route, query, what)
    if (!ok(response)) throw this.restError(response, body, what)
    return parse(body, schema, what)
  }

  /** GET a route whose answer must be JSON, whatever its status. */
  async request(route: string, query: Query, what: string): Promise<{response: WpResponse; body: unknown}> {
    const response = await this.transport.get(this.root.route(route, query), this.headers)
    if (!isJson(response)) {
      throw new WordPressAnswerError(
        `${what} answered ${response.status} ${contentType(response) || 'without a Content-Type'} instead of JSON: the REST API at ${this.root.url} is not working.`,
        {
          code: 'wordpress_rest_unavailable',
          exitCode: ExitCode.wordpress,
          hint: 'A plugin, cache or server rule may be replacing REST answers with a web page.',
          status: response.status,
        },
      )
    }

    return {response, body: parseJsonBody(response, what)}
  }

  private restError(response: WpResponse, body: unknown, what: string): CliError {
    const error = wpErrorOf(body) ?? {code: `http_${response.status}`, message: ''}
    const said = `${response.status} ${describeWpError(error)}`
    const {status} = response
    if (status === 401 || status === 403) {
      if (this.credentials) {
        return new WordPressAnswerError(`WordPress refused ${what} to user "${this.credentials.user}" (${said}).`, {
          code: 'wordpress_forbidden',
          exitCode: ExitCode.auth,
          hint: 'The user needs a role that may read it.',
          status,
        })
      }

      return new WordPressAnswerError(sentence(`The REST API at ${this.root.url} requires login: ${what} answered ${said}`), {
        code: 'wordpress_login_required',
        exitCode: ExitCode.wordpress,
        hint: 'Pass --wp-user USER with --wp-app-password-stdin (an application password), or set IGNY8_WP_USER and IGNY8_WP_APP_PASSWORD.',
        status,
      })
    }

    return new WordPressAnswerError(sentence(`${what} failed: ${said}`), {code: 'wordpress_rest_error', exitCode: ExitCode.wordpress, status})
  }
}

function parse<S extends z.ZodType>(body: unknown, schema: S, what: string): z.infer<S> {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw unexpected(`${what} answered in an unexpected shape: ${describeIssues(parsed.error)}.`, 'wordpress_bad_shape')
  return parsed.data
}

function ok(response: WpResponse): boolean {
  return response.status >= 200 && response.status < 300
}

function unexpected(message: string, code: string, hint?: string): CliError {
  return new CliError(message, {code, exitCode: ExitCode.unexpected, hint})
}
