/**
 * Shared by the sandbox unit tests: a plain-fetch API caller, and assertions that every body received
 * matches the contract schemas (the point of the sandbox is that client and server cannot drift).
 */
import {expect} from 'chai'
import {z} from 'zod'

import type {Sandbox} from '../../helpers/sandbox.js'

import {errorEnvelopeSchema, pageEnvelope, successEnvelope, throttleHeaders} from '../../../src/lib/backend/contract.js'

export interface ApiResponse {
  status: number
  headers: Awaited<ReturnType<typeof fetch>>['headers']
  body: unknown
  text: string
}

export interface CallOptions {
  body?: unknown
  /** Raw body text (sent as is, with a JSON content type unless `contentType` says otherwise). */
  raw?: string
  contentType?: string
  /** `Authorization` header value, e.g. `Bearer <token>`. */
  auth?: string
  signal?: AbortSignal
  /** Skip the envelope check (for scripted fault bodies that are off-contract on purpose). */
  anyBody?: boolean
}

/** Calls `apiUrl + '/' + path` (path relative to the API root, as in contract.paths) or an absolute URL. */
export async function call(sb: Pick<Sandbox, 'apiUrl'>, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const url = /^https?:/.test(path) ? path : `${sb.apiUrl}/${path}`
  const headers: Record<string, string> = {}
  if (options.auth) headers.authorization = options.auth
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json'
  const response = await fetch(url, {method, headers, body, signal: options.signal, redirect: 'manual'})
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }

  if (!options.anyBody && json !== undefined) expectEnvelope(json)
  return {status: response.status, headers: response.headers, body: json, text}
}

/** Any JSON body the sandbox sends is an error envelope, a success envelope, or a top-level page. */
export function expectEnvelope(body: unknown): void {
  const {success} = (body as {success?: unknown})
  const schema = success === false ? errorEnvelopeSchema : z.union([successEnvelope(z.unknown()), pageEnvelope(z.unknown())])
  const parsed = schema.safeParse(body)
  expect(parsed.success, `off-contract body: ${JSON.stringify(body)}`).to.equal(true)
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/

/** Throttle headers (docs/backend-contract.md, Rate limiting) on every answer. */
export function expectThrottleHeaders(response: ApiResponse): void {
  for (const name of Object.values(throttleHeaders)) expect(response.headers.get(name), name).to.match(/^\d+$/)
}

/** A success envelope whose `data` matches `schema`; returns the parsed data. */
export function expectOk<S extends z.ZodType>(response: ApiResponse, schema: S, status = 200): z.output<S> {
  expect(response.status, response.text).to.equal(status)
  expectThrottleHeaders(response)
  const parsed = successEnvelope(schema).safeParse(response.body)
  expect(parsed.success, `${response.text}\n${parsed.error?.message}`).to.equal(true)
  expect((response.body as {request_id: string}).request_id).to.match(UUID)
  return (parsed.data as {data: z.output<S>}).data
}

/** A body that matches `schema` as a whole (lists in the top-level shape). */
export function expectBody<S extends z.ZodType>(response: ApiResponse, schema: S, status = 200): z.output<S> {
  expect(response.status, response.text).to.equal(status)
  expectThrottleHeaders(response)
  const parsed = schema.safeParse(response.body)
  expect(parsed.success, `${response.text}\n${parsed.error?.message}`).to.equal(true)
  return parsed.data as z.output<S>
}

/** An error envelope `{success:false, error, errors?, request_id}` with the given status (and message). */
export function expectError(response: ApiResponse, status: number, message?: string): {error?: string; errors?: Record<string, unknown>} {
  expect(response.status, response.text).to.equal(status)
  expectThrottleHeaders(response)
  const parsed = errorEnvelopeSchema.safeParse(response.body)
  expect(parsed.success, response.text).to.equal(true)
  const body = parsed.data!
  expect(body.success).to.equal(false)
  expect(body.request_id).to.match(UUID)
  if (message !== undefined) expect(body.error).to.equal(message)
  return body as {error?: string; errors?: Record<string, unknown>}
}

export async function login(sb: Sandbox, who: 'owner' | 'viewer' = 'owner'): Promise<{access: string; refresh: string}> {
  const {email, password, viewerEmail, viewerPassword} = sb.credentials
  const response = await call(sb, 'POST', 'auth/login/', {body: who === 'owner' ? {email, password} : {email: viewerEmail, password: viewerPassword}})
  expect(response.status, response.text).to.equal(200)
  const {data} = (response.body as {data: {access: string; refresh: string}})
  return {access: data.access, refresh: data.refresh}
}

export const bearer = (token: string): string => `Bearer ${token}`
