import got, {type CancelableRequest, type Got, type HandlerFunction, type RetryObject} from 'got'
/**
 * One got instance per server, configured once: timeouts, retries with capped back-off that honour
 * `Retry-After` and IGNY8's `X-Throttle-Reset`, keep-alive connection reuse, and a `--debug` trace
 * (method, URL, status, timing, the backend's request id; with IGNY8_DEBUG=body the bodies too; secrets masked).
 */
import http from 'node:http'
import https from 'node:https'

import type {Deadline} from '../deadline.js'

import {redact} from '../secrets.js'
import {bodyRequestId, traceBody} from './debug-body.js'

export interface HttpSettings {
  /** Whole-request timeout per attempt (--timeout, IGNY8_TIMEOUT). */
  timeoutMs: number
  /** Retries after the first attempt, for idempotent requests (and POSTs that opt in). */
  retries: number
  /** The longest Retry-After / X-Throttle-Reset wait honoured; a longer one ends the retries. */
  maxRetryAfterMs: number
  /** Upper bound of the exponential back-off. */
  backoffLimitMs: number
  /** The largest response body read; a larger one is abandoned (ResponseTooLargeError). */
  maxResponseBytes?: number
  userAgent: string
  trace?: (line: string) => void
  /** With `trace`: also each request's and response's body, secrets masked, cut at 4 KiB (IGNY8_DEBUG=body). */
  traceBodies?: boolean
  /** Extra headers sent with every request. */
  headers?: Record<string, string>
  /** A fleet's per-site bound: ends every request when it passes, and no retry waits past it. */
  deadline?: Deadline
}

/** The default of --timeout: far below a stalled server's patience, far above a healthy answer. */
export const DEFAULT_TIMEOUT_MS = 10_000

export const defaultHttpSettings = (userAgent: string, trace?: (line: string) => void, timeoutMs?: number): HttpSettings => ({
  timeoutMs: timeoutMs ?? numberFromEnv('IGNY8_HTTP_TIMEOUT_MS', DEFAULT_TIMEOUT_MS),
  retries: numberFromEnv('IGNY8_HTTP_RETRIES', 3),
  maxRetryAfterMs: numberFromEnv('IGNY8_MAX_RETRY_AFTER_MS', 60_000),
  backoffLimitMs: numberFromEnv('IGNY8_BACKOFF_LIMIT_MS', 8000),
  maxResponseBytes: numberFromEnv('IGNY8_MAX_RESPONSE_BYTES', DEFAULT_MAX_RESPONSE_BYTES),
  userAgent,
  trace,
})

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  return Number.isFinite(value) && value >= 0 ? value : fallback
}

let sharedAgents: {http: http.Agent; https: https.Agent} | undefined
/** Keep-alive agents shared by every client in the process, so requests to one host reuse connections. */
function agents(): {http: http.Agent; https: https.Agent} {
  sharedAgents ??= {
    http: new http.Agent({keepAlive: true, maxSockets: 32}),
    https: new https.Agent({keepAlive: true, maxSockets: 32}),
  }
  return sharedAgents
}

/**
 * got buffers whole bodies with no limit of its own: a broken proxy or site streaming without end would
 * take all memory. 16 MiB is far above anything IGNY8 or WordPress answers (a full REST index is ~200 KB).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

export class ResponseTooLargeError extends Error {
  readonly code = 'ERR_RESPONSE_TOO_LARGE'

  constructor(
    readonly url: string,
    readonly limit: number,
  ) {
    super(`the answer from ${url} is larger than ${limit % 1_048_576 === 0 ? `${limit / 1_048_576} MiB` : `${limit} bytes`}`)
    this.name = 'ResponseTooLargeError'
  }
}

/** Abandons a response once its declared or received size passes `limit` bytes. */
function responseSizeLimit(limit: number): HandlerFunction {
  return (options, next) => {
    if (options.isStream) return next(options)
    const request = next(options) as unknown as CancelableRequest
    let tooLarge = false
    request.on('downloadProgress', ({transferred, total}) => {
      if (!tooLarge && (transferred > limit || (total ?? 0) > limit)) {
        tooLarge = true
        request.cancel()
      }
    })
    return (async () => {
      try {
        return await request
      } catch (error) {
        if (tooLarge) throw new ResponseTooLargeError(String(options.url), limit)
        throw error
      }
    })() as never
  }
}

export const RETRY_STATUS_CODES = [408, 429, 500, 502, 503, 504, 521, 522, 524]

export function createHttp(settings: HttpSettings): Got {
  const {trace} = settings
  return got.extend({
    agent: agents(),
    headers: {'user-agent': settings.userAgent, ...settings.headers},
    timeout: {request: settings.timeoutMs},
    ...(settings.deadline ? {signal: settings.deadline.signal} : {}),
    throwHttpErrors: false,
    handlers: settings.maxResponseBytes ? [responseSizeLimit(settings.maxResponseBytes)] : [],
    followRedirect: true,
    maxRedirects: 10,
    retry: {
      limit: settings.retries,
      methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'],
      statusCodes: RETRY_STATUS_CODES,
      maxRetryAfter: settings.maxRetryAfterMs,
      backoffLimit: settings.backoffLimitMs,
      calculateDelay: (retry) => retryDelay(retry, settings),
    },
    hooks: {
      afterResponse: trace
        ? [
            (response) => {
              const ms = Math.round(response.timings.phases.total ?? 0)
              const {options} = response.request
              trace(redact(`${options.method} ${String(response.url)} → ${response.statusCode} in ${ms} ms${authNote(options.headers)}${requestIdNote(response)}`))
              if (settings.traceBodies) {
                const sent = sentBody(options)
                if (sent !== undefined) trace(`  request body: ${traceBody(sent)}`)
                trace(`  response body: ${traceBody(response.body)}`)
              }

              return response
            },
          ]
        : [],
      beforeRetry: trace
        ? [
            (error, retryCount) => {
              const status = error.response ? `HTTP ${error.response.statusCode}` : (error.code ?? error.name)
              trace(redact(`retry ${retryCount} of ${error.options.method} ${String(error.options.url)} after ${status}${error.response ? requestIdNote(error.response) : ''}`))
            },
          ]
        : [],
      beforeError: trace
        ? [
            (error) => {
              trace(redact(`${error.options.method} ${String(error.options.url)} failed: ${error.code ?? error.name}${error.response ? requestIdNote(error.response) : ''}`))
              const sent = settings.traceBodies ? sentBody(error.options) : undefined
              if (sent !== undefined) trace(`  request body: ${traceBody(sent)}`)
              return error
            },
          ]
        : [],
    },
  })
}

/** ` [request id: …]`: the `X-Request-Id` header, else the body's `request_id` (the IGNY8 envelope). */
function requestIdNote(response: {headers: Record<string, string | string[] | undefined>; body?: unknown}): string {
  const header = response.headers['x-request-id']
  const id = (Array.isArray(header) ? header[0] : header) || bodyRequestId(response.body)
  // eslint-disable-next-line no-control-regex -- a trace line stays one line
  return id ? ` [request id: ${id.replaceAll(/[\u0000-\u001F\u007F]/g, '').slice(0, 100)}]` : ''
}

/** What a request sent: its `json` option, or a string or Buffer body. */
function sentBody(options: {json?: unknown; body?: unknown}): unknown {
  if (options.json !== undefined) return options.json
  return typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : undefined
}

function authNote(headers: Record<string, unknown>): string {
  const auth = headers.authorization
  if (typeof auth !== 'string') return ''
  const scheme = auth.split(' ')[0] ?? ''
  return ` [authorization: ${scheme} ***]`
}

/**
 * got has already applied its rules (method, status, limit, Retry-After within maxRetryAfter) to
 * `computedValue`; 0 means "do not retry" and must stay 0. A 429 without Retry-After waits until
 * IGNY8's `X-Throttle-Reset` when that is within the cap.
 */
export function retryDelay(retry: RetryObject, settings: Pick<HttpSettings, 'maxRetryAfterMs' | 'backoffLimitMs' | 'deadline'>): number {
  const delay = plannedDelay(retry, settings)
  // A retry that would start after the site's deadline is not made at all.
  return settings.deadline && delay >= settings.deadline.remainingMs ? 0 : delay
}

function plannedDelay(retry: RetryObject, settings: Pick<HttpSettings, 'maxRetryAfterMs' | 'backoffLimitMs'>): number {
  const {computedValue, error, retryAfter} = retry
  if (computedValue === 0) return 0
  if (retryAfter) return retryAfter
  const {response} = error
  if (response?.statusCode === 429) {
    const reset = Number(response.headers['x-throttle-reset'])
    if (Number.isFinite(reset) && reset > 0) {
      const wait = reset * 1000 - Date.now()
      if (wait > settings.maxRetryAfterMs) return 0
      if (wait > 0) return wait
    }
  }

  return Math.min(computedValue, settings.backoffLimitMs)
}
