import type {Socket} from 'node:net'

/**
 * The sandbox server: node:http, one pipeline per request —
 * read body → (control hooks) → log → throttle → scripted fault → route → reply with the envelope,
 * `request_id` and `X-Throttle-*` headers.
 */
import {randomUUID} from 'node:crypto'
import http from 'node:http'

import {CliError, ExitCode} from '../errors.js'
import {apiRoutes} from './api-routes.js'
import {Authenticator} from './auth.js'
import {controlRoutes} from './control.js'
import {type Fault, FaultQueue, replacesAnswer} from './faults.js'
import {ApiError, ContractDriftError, errorReply, fromApiError, type Reply, type RequestContext, statusText} from './http.js'
import { resolveOptions, type SandboxOptions} from './options.js'
import {RequestLog} from './request-log.js'
import {API_PREFIX, resolveRoute, type Route} from './router.js'
import {DEMO_ACCOUNT_ID, OWNER_EMAIL, VIEWER_EMAIL} from './state.js'
import {SandboxStore} from './store.js'
import {throttleHeaderValues, type ThrottleState, ThrottleWindow} from './throttle.js'
import {TokenService} from './tokens.js'

export interface SandboxSiteCredentials {
  id: number
  name: string
  domain: string
  apiKey: string
  /** The site's WordPress integration, or null when it was deleted. */
  integrationId: number | null
}

export interface SandboxCredentials {
  email: string
  password: string
  viewerEmail: string
  viewerPassword: string
  sites: SandboxSiteCredentials[]
}

export interface Sandbox {
  /** The API root, e.g. `http://127.0.0.1:8787/api/v1`. */
  apiUrl: string
  /** The server's origin, e.g. `http://127.0.0.1:8787` (control hooks live under `/__sandbox/`). */
  url: string
  host: string
  port: number
  /** Demo credentials as they are now (a revoked key shows its replacement). */
  readonly credentials: SandboxCredentials
  /** Stops listening, drops every open connection (hanging ones included) and resolves when closed. */
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
const CONTROL_PREFIX = '/__sandbox/'

const DEFAULT_FAULT_MESSAGES: Record<number, string> = {
  401: 'Authentication credentials were not provided.',
  403: 'You do not have permission to perform this action.',
  404: 'Not found.',
  429: 'Request was throttled.',
  500: 'Internal server error',
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options)
  const store = SandboxStore.open(resolved)
  const tokens = new TokenService(store, {access: resolved.accessTtlSeconds, refresh: resolved.refreshTtlSeconds})
  const auth = new Authenticator(store, tokens, resolved.apiKeySchemes)
  const faults = new FaultQueue()
  const requests = new RequestLog()
  const throttle = new ThrottleWindow(resolved.rateLimitPerMinute)
  const api = apiRoutes({store, tokens, auth, options: resolved})
  const control = resolved.control ? controlRoutes({store, tokens, faults, requests}) : []

  const hanging = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let closing = false

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const rawBody = await readBody(req).catch(() => {})
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    const method = (req.method ?? 'GET').toUpperCase()
    const requestId = randomUUID()
    const ctx: RequestContext = {
      req,
      method,
      path: url.pathname,
      query: url.searchParams,
      requestId,
      origin: `http://${req.headers.host ?? hostPort(resolved.host, port)}`,
      rawBody: rawBody ?? '',
      log: {seq: 0, time: new Date().toISOString(), method, path: url.pathname, query: Object.fromEntries(url.searchParams), authScheme: null, authKind: null, status: null, requestId},
      params: [],
    }

    if (rawBody === undefined) {
      send(res, errorReply(ctx, 413, 'Request body too large.'), throttle.peek())
      req.socket.destroy()
      return
    }

    if (resolved.control && ctx.path.startsWith(CONTROL_PREFIX)) {
      send(res, await dispatch(control, ctx), throttle.peek())
      return
    }

    const entry = requests.open(ctx.log)
    ctx.log = entry
    const finish = (status: number | null): void => {
      entry.status = status
      resolved.onRequest?.(structuredClone(entry))
    }

    const window = throttle.take()
    const fault = faults.take(method, ctx.path)
    if (fault?.delayMs) {
      entry.fault = 'delay'
      await sleep(fault.delayMs)
      if (closing) return
    }

    if (fault && replacesAnswer(fault) && !fault.applyThenFail) {
      finish(deliverFault(res, ctx, fault, window))
      return
    }

    const real = window.throttled
      ? errorReply(ctx, 429, `Request was throttled. Expected available in ${window.retryAfter} seconds.`, undefined, {'Retry-After': String(window.retryAfter)})
      : await dispatch(api, ctx)
    if (fault?.applyThenFail) {
      finish(deliverFault(res, ctx, fault, window, real))
      return
    }

    if (fault?.headers || fault?.contentType) {
      entry.fault ??= 'headers'
      real.headers = {...real.headers, ...stringHeaders(fault.headers ?? {})}
      if (fault.contentType) real.contentType = fault.contentType
    }

    send(res, real, window)
    finish(real.status)
  }

  /** Answers with the fault; returns the status written, or null when nothing complete was sent. */
  const deliverFault = (res: http.ServerResponse, ctx: RequestContext, fault: Fault, window: ThrottleState, real?: Reply): number | null => {
    if (fault.hang) {
      ctx.log.fault = 'hang'
      const {socket} = res
      if (socket) {
        hanging.add(socket)
        socket.once('close', () => hanging.delete(socket))
      }

      return null
    }

    const status = fault.status ?? (fault.drop ? (real?.status ?? 200) : 500)
    let reply: Reply
    if (fault.body !== undefined) {
      reply = typeof fault.body === 'string' ? {status, raw: fault.body, contentType: fault.contentType ?? sniffType(fault.body)} : {status, json: fault.body, contentType: fault.contentType}
    } else if (real && fault.drop) {
      reply = {...real, status}
    } else if (status >= 400) {
      reply = errorReply(ctx, status, DEFAULT_FAULT_MESSAGES[status] ?? statusText(status))
    } else {
      reply = {status, json: {success: true, data: {}, request_id: ctx.requestId}}
    }

    if (fault.contentType && fault.body === undefined) reply.contentType = fault.contentType
    reply.headers = {...reply.headers, ...stringHeaders(fault.headers ?? {})}
    ctx.log.fault = fault.drop ? 'drop' : fault.body === undefined ? 'status' : 'body'
    if (!fault.drop) {
      send(res, reply, window)
      return status
    }

    const {head, body} = serialise(reply, window)
    res.writeHead(reply.status, head)
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy())
    return null
  }

  const dispatch = async (routes: Route[], ctx: RequestContext): Promise<Reply> => {
    try {
      const search = ctx.query.toString()
      const match = resolveRoute(routes, ctx.method, ctx.path, search ? `?${search}` : '')
      if (match instanceof ApiError) throw match
      ctx.params = match.params
      return await match.handler(ctx)
    } catch (error) {
      if (error instanceof ApiError) return fromApiError(ctx, error)
      const message = error instanceof ContractDriftError ? error.message : `Internal server error: ${(error as Error).message}`
      return errorReply(ctx, 500, message)
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy()
      } else {
        res.writeHead(500, {'content-type': 'application/json'})
        res.end(JSON.stringify({success: false, error: `Internal server error: ${(error as Error).message}`, request_id: randomUUID()}))
      }
    })
  })

  const port = await listen(server, resolved.host, resolved.port)
  try {
    store.commit()
  } catch (error) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
    })
    throw error
  }

  const origin = `http://${hostPort(resolved.host, port)}`

  return {
    apiUrl: `${origin}${API_PREFIX}`,
    url: origin,
    host: resolved.host,
    port,
    get credentials(): SandboxCredentials {
      const {state} = store
      const user = (email: string) => state.users.find((candidate) => candidate.email === email)
      return {
        email: OWNER_EMAIL,
        password: user(OWNER_EMAIL)?.password ?? '',
        viewerEmail: VIEWER_EMAIL,
        viewerPassword: user(VIEWER_EMAIL)?.password ?? '',
        sites: state.sites
          .filter((site) => site.accountId === DEMO_ACCOUNT_ID)
          .map((site) => ({
            id: site.id,
            name: site.name,
            domain: site.domain,
            apiKey: site.wp_api_key,
            integrationId: state.integrations.find((row) => row.siteId === site.id && row.platform === 'wordpress')?.id ?? null,
          })),
      }
    },
    async close(): Promise<void> {
      if (closing) return
      closing = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const socket of hanging) socket.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') {
        reject(new CliError(`Port ${port} on ${host} is already in use; choose another with --port (0 picks a free one).`, {code: 'port_in_use', exitCode: ExitCode.usage, cause: error}))
      } else if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new CliError(`Cannot listen on ${host}:${port} (${error.code}).`, {code: 'listen_failed', exitCode: ExitCode.usage, cause: error}))
      } else {
        reject(error)
      }
    }

    const onListening = (): void => {
      server.off('error', onError)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    }

    server.once('error', onError)
    server.once('listening', onListening)
    server.listen({host, port})
  })
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'))
        req.pause()
        return
      }

      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)

const sniffType = (body: string): string => (/^\s*</.test(body) ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8')

function stringHeaders(headers: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, String(value)]))
}

function serialise(reply: Reply, window: ThrottleState): {head: Record<string, string>; body: Buffer} {
  const body = Buffer.from(reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)), 'utf8')
  const head: Record<string, string> = {
    'content-type': reply.contentType ?? (reply.raw === undefined ? 'application/json' : 'text/plain; charset=utf-8'),
    'content-length': String(body.length),
    ...throttleHeaderValues(window),
  }
  // Later headers win, case-insensitively, so a fault can override anything above.
  for (const [key, value] of Object.entries(reply.headers ?? {})) {
    for (const existing of Object.keys(head)) if (existing.toLowerCase() === key.toLowerCase()) delete head[existing]
    head[key] = value
  }

  return {head, body}
}

function send(res: http.ServerResponse, reply: Reply, window: ThrottleState): void {
  const {head, body} = serialise(reply, window)
  res.writeHead(reply.status, head)
  res.end(body)
}



export {type RequestLogEntry} from './options.js'