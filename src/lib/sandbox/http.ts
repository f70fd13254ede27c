/**
 * The sandbox's small HTTP vocabulary on top of node:http: the per-request context, the reply a handler
 * returns, the error a handler throws, and the envelope builders
 * (docs/backend-contract.md, Response envelope). Every envelope is checked against the contract schemas
 * before it leaves, so a sandbox answer the client could not parse is a sandbox bug (answered 500 with
 * the reason), never a silent drift.
 */
import type {IncomingMessage} from 'node:http'
import type {z} from 'zod'

import {STATUS_CODES} from 'node:http'

import type {RequestLogEntry} from './options.js'
import type {AccountRecord, SiteRecord, UserRecord} from './state.js'

import {errorEnvelopeSchema, successEnvelope} from '../backend/contract.js'

export interface Principal {
  user: UserRecord
  account: AccountRecord
  /** Set for site API keys: the caller sees this site only. */
  site?: SiteRecord
  kind: 'jwt' | 'api-key'
}

export interface RequestContext {
  req: IncomingMessage
  method: string
  /** Path name, e.g. `/api/v1/auth/login/`. */
  path: string
  query: URLSearchParams
  requestId: string
  /** `http://host:port` as the caller addressed us, for absolute `next` links. */
  origin: string
  rawBody: string
  log: RequestLogEntry
  /** Path parameters captured by the route pattern. */
  params: string[]
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** A JSON value (serialised) ... */
  json?: unknown
  /** ... or a raw body sent as is. */
  raw?: string
  contentType?: string
}

export type FieldErrors = Record<string, string[]>

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {errors?: FieldErrors; headers?: Record<string, string>} = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const notFound = (message = 'Not found.'): ApiError => new ApiError(404, message)

/** The error envelope `{success:false, error, errors?, request_id}`. */
export function errorReply(ctx: Pick<RequestContext, 'requestId'>, status: number, message: string, errors?: FieldErrors, headers?: Record<string, string>): Reply {
  const body = {success: false as const, error: message, ...(errors ? {errors} : {}), request_id: ctx.requestId}
  errorEnvelopeSchema.parse(body)
  return {status, json: body, headers}
}

export function fromApiError(ctx: Pick<RequestContext, 'requestId'>, error: ApiError): Reply {
  return errorReply(ctx, error.status, error.message, error.extra.errors, error.extra.headers)
}

/** `{success:true, data, request_id}`, with `data` checked against the contract schema of the endpoint. */
export function ok<S extends z.ZodType>(ctx: Pick<RequestContext, 'requestId'>, schema: S, data: z.input<S>, status = 200): Reply {
  return conform(successEnvelope(schema), {success: true, data, request_id: ctx.requestId}, status)
}

/** Sends `body` as is after checking it against `schema`; a mismatch is a sandbox bug (500). */
export function conform(schema: z.ZodType, body: unknown, status = 200): Reply {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ContractDriftError(parsed.error)
  return {status, json: body}
}

export class ContractDriftError extends Error {
  constructor(readonly issues: z.ZodError) {
    super(`sandbox answer does not match the contract: ${issues.message}`)
    this.name = 'ContractDriftError'
  }
}

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error'
}

/** The request body as JSON; an empty body is `{}` (what DRF's request.data gives); bad JSON is a 400. */
export function jsonBody(ctx: RequestContext): unknown {
  if (ctx.rawBody.trim() === '') return {}
  const type = ctx.req.headers['content-type']
  if (type && !/\bjson\b/i.test(type)) throw new ApiError(415, `Unsupported media type "${type.split(';')[0]}" in request.`)
  try {
    return JSON.parse(ctx.rawBody)
  } catch (error) {
    throw new ApiError(400, `JSON parse error - ${(error as Error).message}`)
  }
}

/** Field errors from a zod error, keyed by dotted path; a missing field reads "This field is required." (DRF). */
export function fieldErrors(error: z.ZodError, input: unknown): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'non_field_errors'
    let {message} = issue
    if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(input, issue.path) === undefined) message = 'This field is required.'
    if (issue.code === 'invalid_key' && 'issues' in issue && Array.isArray(issue.issues) && issue.issues[0]) message = (issue.issues[0] as {message: string}).message
    ;(errors[key] ??= []).push(message)
  }

  return errors
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current: unknown = input
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }

  return current
}

/** Parses a body with a contract schema, or throws the 400 "Validation failed" envelope with field paths. */
export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new ApiError(400, 'Validation failed', {errors: fieldErrors(parsed.error, input)})
}
