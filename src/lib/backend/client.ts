/**
 * The IGNY8 backend client. It owns authentication (JWT with refresh, or a site API key with the
 * Bearer→ApiKey fallback), the envelope variants, pagination and the mapping of every failure to a
 * CliError with the spec's exit code. Paths and shapes come from ./contract.ts only.
 */
import type {Got, Response} from 'got'
import type {z} from 'zod'

import {CliError, ExitCode} from '../errors.js'
import {createHttp, type HttpSettings} from '../http/http-client.js'
import {describeNetworkError} from '../http/network-error.js'
import {redact, registerSecret} from '../secrets.js'
import {parseHttpUrl} from '../url.js'
import {
  answerFields,
  API_KEY_SCHEMES,
  type ApiKeyScheme,
  type ContentTypesData,
  contentTypesDataSchema,
  describeIssues,
  errorEnvelopeSchema,
  holdsAnyField,
  type Integration,
  integrationSchema,
  integrationSiteId,
  loginDataSchema,
  paths,
  readListPage,
  refreshDataSchema,
  refreshedTokensOf,
  requestIdOf,
  type Site,
  siteSchema,
  type StructurePayload,
  type SyncStatus,
  syncStatusSchema,
  tokensOf,
  unwrapData,
  type UpdateStructureData,
  updateStructureDataSchema,
  type User,
  wordsOf,
} from './contract.js'

export type BackendAuth =
  | {kind: 'none'}
  | {kind: 'jwt'; access: string; refresh: string; accessExpiresAt?: string}
  | {kind: 'api-key'; key: string; scheme?: ApiKeyScheme}

/** What the client learned that is worth keeping (new tokens, the accepted API-key scheme). */
export type AuthUpdate =
  | {kind: 'jwt'; access: string; refresh: string; accessExpiresAt?: string; refreshExpiresAt?: string}
  | {kind: 'api-key'; scheme: ApiKeyScheme}

export interface BackendClientOptions {
  apiUrl: string
  auth: BackendAuth
  http: HttpSettings
  onAuthUpdate?: (update: AuthUpdate) => Promise<void> | void
  /** The `igny8 connect` line that logs this profile in again (connection/reconnect.ts), for the hints of expired or rejected credentials. */
  reconnectCommand?: string
}

interface RequestOptions {
  json?: unknown
  searchParams?: Record<string, string | number>
  /** Send without Authorization (login, refresh). */
  anonymous?: boolean
  /** Allow retries of a POST that is safe to repeat (update-structure replaces the stored structure). */
  idempotentPost?: boolean
  /** What the caller calls this resource, for messages ("integration 7"). */
  what?: string
  /** Handle a 404 here instead of the generic mapping. */
  /** A 404 becomes this error; returning nothing lets the caller handle the 404 itself. */
  notFound?: () => CliError | void
}

interface Answer {
  status: number
  body: unknown
  requestId?: string
  response: Response<string>
}

/** Seconds of slack before a JWT's `exp`: an access token this close to expiry is refreshed first. */
const EXPIRY_SLACK_MS = 30_000
const MAX_PAGES = 1000

export class BackendClient {
  readonly apiUrl: string
  private auth: BackendAuth
  private got?: Got
  private refreshPath?: string
  private refreshing?: Promise<void>

  constructor(private readonly options: BackendClientOptions) {
    this.apiUrl = normalizeApiUrl(options.apiUrl)
    this.auth = options.auth
    if (options.auth.kind === 'jwt') {
      registerSecret(options.auth.access)
      registerSecret(options.auth.refresh)
    } else if (options.auth.kind === 'api-key') {
      registerSecret(options.auth.key)
    }
  }

  get authKind(): BackendAuth['kind'] {
    return this.auth.kind
  }

  get apiKeyScheme(): ApiKeyScheme | undefined {
    return this.auth.kind === 'api-key' ? this.auth.scheme : undefined
  }

  /** JWT login. Does not change this client's auth: the caller decides what to keep. */
  async login(email: string, password: string): Promise<{user: User; access: string; refresh: string}> {
    registerSecret(password)
    const answer = await this.send('POST', paths.login, {json: {email, password}, anonymous: true, what: 'login'})
    if (answer.status === 401 || answer.status === 400) {
      throw new CliError(`Login failed: ${serverMessage(answer.body) ?? 'the email or password was rejected'} (HTTP ${answer.status}).`, {
        code: 'login_failed',
        exitCode: ExitCode.auth,
        hint: 'Check the email and password; a site API key works too (--api-key-stdin).',
        requestId: answer.requestId,
      })
    }

    this.ensureOk(answer, 'login')
    const data = this.parse(answer, loginDataSchema, 'a login answer with user, access and refresh tokens')
    const tokens = tokensOf(data)
    registerSecret(tokens.access)
    registerSecret(tokens.refresh)
    return {user: data.user, ...tokens}
  }

  /** Switch to JWT auth with these tokens (after a login). */
  useTokens(access: string, refresh: string): void {
    this.auth = {kind: 'jwt', access, refresh, accessExpiresAt: jwtExpiry(access)}
  }

  async listSites(): Promise<Site[]> {
    return this.list(paths.sites, {}, siteSchema, 'sites')
  }

  /** The site's integrations, filtered client-side too (the filter parameter is `site` or `site_id` [?]). */
  async listIntegrations(siteId: number, platform = 'wordpress'): Promise<Integration[]> {
    const rows = await this.list(paths.integrations, {site: siteId, site_id: siteId, platform}, integrationSchema, 'integrations')
    return rows.filter((row) => {
      const rowSite = integrationSiteId(row)
      return (rowSite === undefined || rowSite === siteId) && row.platform.toLowerCase() === platform
    })
  }

  async getIntegration(id: number): Promise<Integration> {
    const answer = await this.send('GET', paths.integration(id), {what: `integration ${id}`, notFound: () => integrationNotFound(id)})
    this.ensureOk(answer, `integration ${id}`)
    return this.parse(answer, integrationSchema, 'an integration object')
  }

  async updateStructure(id: number, payload: StructurePayload): Promise<UpdateStructureData> {
    const answer = await this.send('POST', paths.updateStructure(id), {
      json: payload,
      idempotentPost: true,
      what: `integration ${id}`,
      notFound: () => integrationNotFound(id),
    })
    this.ensureOk(answer, 'update-structure')
    return this.parse(answer, updateStructureDataSchema, 'an update-structure answer with post_types_count and taxonomies_count', answerFields.updateStructure)
  }

  async contentTypes(id: number): Promise<ContentTypesData> {
    const answer = await this.send('GET', paths.contentTypes(id), {what: `integration ${id}`, notFound: () => integrationNotFound(id)})
    this.ensureOk(answer, 'content-types')
    return this.parse(answer, contentTypesDataSchema, 'a content-types object with post_types and taxonomies', answerFields.contentTypes)
  }

  /** Sync status, or undefined when this backend does not offer the action (404). */
  async syncStatus(id: number): Promise<SyncStatus | undefined> {
    let missing = false
    const answer = await this.send('GET', paths.syncStatus(id), {
      what: 'sync status',
      notFound() {
        missing = true
      },
    })
    if (missing) return undefined
    this.ensureOk(answer, 'sync status')
    return this.parse(answer, syncStatusSchema, 'a sync status object')
  }

  /**
   * Is anything answering at the API root? Resolves with the HTTP status and latency of an anonymous
   * request to the sites list (401/200 both prove a live IGNY8 API); rejects with a CliError otherwise.
   */
  async probe(): Promise<{status: number; ms: number}> {
    const started = performance.now()
    const answer = await this.send('GET', paths.sites, {anonymous: true, what: 'the API root'})
    if (answer.status >= 500) this.ensureOk(answer, 'the API root')
    if (answer.body === undefined) throw this.notJson(answer, 'a JSON answer from the IGNY8 API')
    return {status: answer.status, ms: Math.round(performance.now() - started)}
  }

  // ------------------------------------------------------------------------------------------

  private async list<S extends z.ZodType>(path: string, searchParams: Record<string, string | number>, item: S, what: string): Promise<z.infer<S>[]> {
    const rows: z.infer<S>[] = []
    let url: string | undefined = path
    let params: Record<string, string | number> | undefined = searchParams
    const seen = new Set<string>()
    for (let page = 0; url && page < MAX_PAGES; page++) {
      // eslint-disable-next-line no-await-in-loop -- each page's URL is the previous page's `next`
      const answer = await this.send('GET', url, {searchParams: params, what})
      this.ensureOk(answer, what)
      const listPage = readListPage(answer.body)
      if (!listPage) throw this.wrongShape(answer, `a list of ${what} (results at the top level, in data.results, or data as an array)`)
      for (const [index, raw] of listPage.items.entries()) {
        const parsed = item.safeParse(raw)
        if (!parsed.success) throw this.wrongShape(answer, `${what}[${index}]: ${describeIssues(parsed.error, 2)}`)
        rows.push(parsed.data)
      }

      url = listPage.next ?? undefined
      params = undefined
      if (url) {
        if (seen.has(url)) break
        seen.add(url)
      }
    }

    return rows
  }

  private http(): Got {
    this.got ??= createHttp(this.options.http)
    return this.got
  }

  private url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.apiUrl}/${path.replace(/^\//, '')}`
  }

  /** One logical request: auth header, refresh-once on 401, API-key scheme fallback, transport errors mapped. */
  private async send(method: 'GET' | 'POST', path: string, options: RequestOptions): Promise<Answer> {
    if (!options.anonymous) {
      if (this.auth.kind === 'none') {
        throw new CliError('Not connected to IGNY8: no credentials.', {
          code: 'not_connected',
          exitCode: ExitCode.notConnected,
          hint: 'Run `igny8 connect`, or set IGNY8_API_KEY (or IGNY8_EMAIL and IGNY8_PASSWORD).',
        })
      }

      if (this.auth.kind === 'jwt' && isExpired(this.auth.accessExpiresAt)) await this.refresh()
    }

    let answer = await this.raw(method, path, options)
    if (answer.status === 401 && !options.anonymous) {
      if (this.auth.kind === 'jwt') {
        await this.refresh()
        answer = await this.raw(method, path, options)
      } else if (this.auth.kind === 'api-key' && this.auth.scheme === undefined) {
        // Docs disagree on the scheme (docs/backend-contract.md, Site API keys): try the other one once and remember the winner.
        const fallback = API_KEY_SCHEMES[1]
        const retry = await this.raw(method, path, options, fallback)
        if (retry.status !== 401) {
          this.auth = {...this.auth, scheme: fallback}
          await this.options.onAuthUpdate?.({kind: 'api-key', scheme: fallback})
        }

        answer = retry
      }
    } else if (this.auth.kind === 'api-key' && this.auth.scheme === undefined && !options.anonymous && answer.status < 400) {
      this.auth = {...this.auth, scheme: API_KEY_SCHEMES[0]}
      await this.options.onAuthUpdate?.({kind: 'api-key', scheme: API_KEY_SCHEMES[0]})
    }

    if (answer.status === 404 && options.notFound) {
      const error = options.notFound()
      if (error) throw withRequestId(error, answer.requestId)
    }

    return answer
  }

  private async raw(method: 'GET' | 'POST', path: string, options: RequestOptions, schemeOverride?: ApiKeyScheme): Promise<Answer> {
    const got = this.http()
    const url = this.url(path)
    const headers: Record<string, string> = {accept: 'application/json'}
    if (!options.anonymous) {
      if (this.auth.kind === 'jwt') headers.authorization = `Bearer ${this.auth.access}`
      else if (this.auth.kind === 'api-key') headers.authorization = `${schemeOverride ?? this.auth.scheme ?? API_KEY_SCHEMES[0]} ${this.auth.key}`
    }

    let response: Response<string>
    try {
      response = await got(url, {
        method,
        headers,
        json: options.json,
        searchParams: options.searchParams,
        responseType: 'text',
        ...(options.idempotentPost ? {retry: {methods: ['GET', 'POST']}} : {}),
      })
    } catch (error) {
      const problem = describeNetworkError(error, url)
      if (problem?.kind === 'too-large') {
        throw new CliError(`The IGNY8 backend sent an answer igny8 cannot use: ${problem.message}.`, {
          code: 'unexpected_response',
          exitCode: ExitCode.unexpected,
          hint: 'Is the API URL the IGNY8 API root (…/api/v1)? A proxy may be in the way.',
          cause: error,
        })
      }

      throw new CliError(`IGNY8 backend unreachable: ${problem?.message ?? (error as Error).message}.`, {
        code: problem?.kind === 'timeout' ? 'backend_timeout' : 'backend_unreachable',
        exitCode: ExitCode.backend,
        hint: problem?.hint ?? `Check the API URL (${this.apiUrl}) and your network; --debug shows each request.`,
        cause: error,
      })
    }

    const body = parseJson(response)
    return {status: response.statusCode, body, requestId: requestIdOf(body) ?? headerValue(response, 'x-request-id'), response}
  }

  private async refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined
    })
    return this.refreshing
  }

  private async doRefresh(): Promise<void> {
    if (this.auth.kind !== 'jwt') return
    const candidates = this.refreshPath ? [this.refreshPath] : [...paths.refresh]
    for (const path of candidates) {
      // eslint-disable-next-line no-await-in-loop -- the second path only when the first is not offered
      const answer = await this.raw('POST', path, {json: {refresh: this.auth.refresh}, anonymous: true})
      if (answer.status === 404 || answer.status === 405) continue
      if (answer.status === 401 || answer.status === 400 || answer.status === 403) {
        throw new CliError('Your IGNY8 session has expired: the refresh token was rejected.', {
          code: 'session_expired',
          exitCode: ExitCode.auth,
          hint: `Run \`${this.reconnect()}\` to log in again.`,
          requestId: answer.requestId,
        })
      }

      this.ensureOk(answer, 'token refresh')
      const tokens = refreshedTokensOf(this.parse(answer, refreshDataSchema, 'a refresh answer with an access token'))
      registerSecret(tokens.access)
      registerSecret(tokens.refresh)
      this.refreshPath = path
      const refresh = tokens.refresh ?? this.auth.refresh
      this.auth = {kind: 'jwt', access: tokens.access, refresh, accessExpiresAt: jwtExpiry(tokens.access)}
      // eslint-disable-next-line no-await-in-loop -- the profile is saved before this refresh is used
      await this.options.onAuthUpdate?.({
        kind: 'jwt',
        access: tokens.access,
        refresh,
        accessExpiresAt: this.auth.accessExpiresAt,
        refreshExpiresAt: jwtExpiry(refresh),
      })
      return
    }

    throw new CliError(`The IGNY8 API at ${this.apiUrl} offers no token refresh (${paths.refresh.join(' or ')} answered 404).`, {
      code: 'refresh_unavailable',
      exitCode: ExitCode.unexpected,
      hint: `Check the API URL; run \`${this.reconnect()}\` to log in again.`,
    })
  }

  /** How the hints say to log in again: the profile's own `igny8 connect` line when the caller gave one. */
  private reconnect(fallback = 'igny8 connect'): string {
    return this.options.reconnectCommand ?? fallback
  }

  /** Maps every non-2xx answer to the spec's exit codes. */
  private ensureOk(answer: Answer, what: string): void {
    const {status} = answer
    if (status >= 200 && status < 300) {
      if (answer.body === undefined && status !== 204) throw this.notJson(answer, `JSON from ${what}`)
      return
    }

    const message = serverMessage(answer.body)
    const {requestId} = answer
    // Every message below ends with its own full stop: drop the server's ("…this action..").
    const suffix = message ? `: ${message.trim().replace(/\.+$/, '')}` : ''
    if (status === 401) {
      const apiKey = this.auth.kind === 'api-key'
      throw new CliError(`The IGNY8 backend rejected the ${apiKey ? 'site API key' : 'credentials'} (HTTP 401)${suffix}.`, {
        code: 'auth_rejected',
        exitCode: ExitCode.auth,
        hint: apiKey
          ? `The key may have been revoked or regenerated; run \`${this.reconnect('igny8 connect --api-key-stdin')}\` with the current key.`
          : `Run \`${this.reconnect()}\` to log in again.`,
        requestId,
      })
    }

    if (status === 403 || status === 402) {
      throw new CliError(
        status === 402
          ? `The IGNY8 account has no active plan (HTTP 402)${suffix}.`
          : `Permission denied for ${what} (HTTP 403)${suffix}. Integration endpoints need the editor role or above.`,
        {
          code: status === 402 ? 'plan_inactive' : 'forbidden',
          exitCode: ExitCode.auth,
          hint: status === 402 ? 'Renew the plan in the IGNY8 app.' : 'Ask an account owner or admin to raise your role, or connect with the site API key.',
          requestId,
        },
      )
    }

    if (status === 400 || status === 409 || status === 422) {
      throw new CliError(`The IGNY8 backend refused ${what} (HTTP ${status})${fieldErrors(answer.body) ?? suffix}.`, {
        code: 'backend_validation',
        exitCode: ExitCode.usage,
        requestId,
      })
    }

    if (status === 429) {
      const reset = throttleReset(answer.response)
      throw new CliError(`The IGNY8 backend is rate-limiting requests (HTTP 429, still after retries)${reset ? `; the limit resets at ${reset}` : ''}.`, {
        code: 'rate_limited',
        exitCode: ExitCode.backend,
        hint: 'Wait for the reset and try again.',
        requestId,
      })
    }

    if (status >= 500) {
      const html = answer.body === undefined && looksHtml(answer.response)
      throw new CliError(`The IGNY8 backend failed (HTTP ${status}${html ? ', an HTML error page' : ''}, still after retries)${suffix}.`, {
        code: 'backend_error',
        exitCode: ExitCode.backend,
        hint: 'The service or a proxy in front of it is failing; try again later.',
        requestId,
      })
    }

    if (status === 404) {
      throw new CliError(`The IGNY8 API has no ${what} at ${answer.response.url} (HTTP 404).`, {
        code: 'not_found',
        exitCode: ExitCode.unexpected,
        hint: `Check the API URL: it should be the versioned root, like https://api.igny8.com/api/v1.`,
        requestId,
      })
    }

    throw new CliError(`Unexpected HTTP ${status} from the IGNY8 backend for ${what}${suffix}.`, {
      code: 'unexpected_status',
      exitCode: ExitCode.unexpected,
      requestId,
    })
  }

  /** `needs`: the fields of which the answer must hold at least one (answerFields); with none it is unexpected, never "empty". */
  private parse<S extends z.ZodType>(answer: Answer, schema: S, expected: string, needs?: readonly string[]): z.infer<S> {
    if (answer.body === undefined) throw this.notJson(answer, expected)
    const data = unwrapData(answer.body)
    if (needs && !holdsAnyField(data, needs)) {
      throw this.wrongShape(answer, `${expected}, but the answer holds none of ${needs.join(', ')}`)
    }

    const parsed = schema.safeParse(data)
    if (!parsed.success) throw this.wrongShape(answer, `${expected} (${describeIssues(parsed.error, 3)})`)
    return parsed.data
  }

  private notJson(answer: Answer, expected: string): CliError {
    const type = headerValue(answer.response, 'content-type') ?? 'no content type'
    const what = looksHtml(answer.response)
      ? 'an HTML page'
      : /json/i.test(type)
        ? `a body that is not valid JSON (${type}, ${Buffer.byteLength(answer.response.body ?? '')} bytes: cut short or malformed)`
        : `non-JSON (${type})`
    return new CliError(`The server at ${this.apiUrl} answered ${what} with HTTP ${answer.status}; expected ${expected}.`, {
      code: 'unexpected_response',
      exitCode: ExitCode.unexpected,
      hint: 'Is the API URL the IGNY8 API root (…/api/v1)? A proxy or login page may be in the way.',
      requestId: answer.requestId,
    })
  }

  /** Quotes what the backend said (its error, detail or message), when it said anything. */
  private wrongShape(answer: Answer, expected: string): CliError {
    const words = wordsOf(answer.body)
    const said = words ? `; it said: "${quote(words)}"` : isEmptyObject(unwrapData(answer.body)) ? '; it held an empty object' : ''
    return new CliError(`The IGNY8 backend answered HTTP ${answer.status} with an unexpected shape; expected ${expected}${said}.`, {
      code: 'unexpected_response',
      exitCode: ExitCode.unexpected,
      hint: 'The backend may be newer or older than this igny8; --debug shows the requests.',
      requestId: answer.requestId,
    })
  }
}

/** The API URL a user gives (checked by ../url.ts), without the trailing slash the paths are joined with. */
export function normalizeApiUrl(raw: string): string {
  const url = parseHttpUrl(raw, (problem) => {
    const message = {
      malformed: `Invalid API URL "${raw}": expected an http(s) URL like https://api.igny8.com/api/v1.`,
      scheme: `Invalid API URL "${raw}": only http and https are supported.`,
      credentials: 'The API URL must not contain credentials.',
    }[problem]
    return new CliError(message, {code: 'invalid_url', exitCode: ExitCode.usage})
  })
  return url.toString().replace(/\/+$/, '')
}

/** `exp` of a JWT as ISO-8601, or undefined for anything that is not a JWT with an exp claim. */
export function jwtExpiry(token: string): string | undefined {
  const payload = token.split('.')[1]
  if (!payload) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {exp?: unknown}
    return typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined
  } catch {
    return undefined
  }
}

function isExpired(expiresAt: string | undefined): boolean {
  if (!expiresAt) return false
  const at = Date.parse(expiresAt)
  return Number.isFinite(at) && at - EXPIRY_SLACK_MS <= Date.now()
}

function integrationNotFound(id: number): CliError {
  return new CliError(`Integration ${id} was not found, or this login cannot see it (HTTP 404).`, {
    code: 'integration_not_found',
    exitCode: ExitCode.notConnected,
    hint: 'Run `igny8 connect` to pick the site again, or pass the right --integration.',
  })
}

function withRequestId(error: CliError, requestId: string | undefined): CliError {
  if (!requestId || error.requestId) return error
  return new CliError(error.message, {code: error.code, exitCode: error.exitCode, hint: error.hint, requestId, cause: error.cause})
}

function isEmptyObject(value: unknown): boolean {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0
}

/** The longest piece of a server's words put in a message. */
const MAX_QUOTE = 200

/** A server's words for a message: one line, secrets masked, at most MAX_QUOTE characters. */
function quote(text: string): string {
  // eslint-disable-next-line no-control-regex -- one line, no control characters
  const line = redact(text.replaceAll(/[\u0000-\u001F\u007F\s]+/g, ' ').trim())
  return line.length > MAX_QUOTE ? `${line.slice(0, MAX_QUOTE - 1)}…` : line
}

function parseJson(response: Response<string>): unknown {
  const text = response.body
  if (!text || text.trim() === '') return response.statusCode === 204 ? null : undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function headerValue(response: Response<string>, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function looksHtml(response: Response<string>): boolean {
  return /html/i.test(headerValue(response, 'content-type') ?? '') || /^\s*<(!doctype|html)/i.test(response.body ?? '')
}

function serverMessage(body: unknown): string | undefined {
  const parsed = errorEnvelopeSchema.safeParse(body)
  if (!parsed.success) return undefined
  return parsed.data.error ?? parsed.data.detail ?? parsed.data.message
}

function fieldErrors(body: unknown): string | undefined {
  const parsed = errorEnvelopeSchema.safeParse(body)
  if (!parsed.success || !parsed.data.errors) return undefined
  const parts = Object.entries(parsed.data.errors).map(([field, messages]) => {
    const text = Array.isArray(messages) ? messages.join(', ') : String(messages)
    return `${field}: ${text}`
  })
  return parts.length > 0 ? `: ${parts.join('; ')}` : undefined
}

function throttleReset(response: Response<string>): string | undefined {
  const retryAfter = headerValue(response, 'retry-after')
  const reset = Number(headerValue(response, 'x-throttle-reset'))
  if (Number.isFinite(reset) && reset > 0) return new Date(reset * 1000).toISOString()
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds)) return new Date(Date.now() + seconds * 1000).toISOString()
    return retryAfter
  }

  return undefined
}
