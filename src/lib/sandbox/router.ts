/**
 * A route table for the sandbox: patterns derived from the contract's own path builders (so the
 * sandbox serves exactly the paths the client requests), one handler per method, 404 for an unknown
 * path, 405 with `Allow` for a known path and wrong method.
 */
import {DEFAULT_API_URL} from '../backend/contract.js'
import {ApiError, type Reply, type RequestContext} from './http.js'

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>

export interface Route {
  pattern: RegExp
  methods: Partial<Record<string, Handler>>
}

/** `/api/v1`: the path of the API root. */
export const API_PREFIX = new URL(DEFAULT_API_URL).pathname.replace(/\/$/, '')

const SENTINEL = 987_654_321
const escape = (text: string): string => text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)

/** A pattern for a contract path under the API root; builders of `(id) => path` capture the id. */
export function apiPath(relative: string | ((id: number) => string)): RegExp {
  const text = typeof relative === 'string' ? relative : relative(SENTINEL)
  const source = escape(`${API_PREFIX}/${text}`).replace(String(SENTINEL), String.raw`(\d+)`)
  return new RegExp(`^${source}$`)
}

export function controlPath(relative: string): RegExp {
  return new RegExp(`^${escape(`/__sandbox/${relative}`).replace(String.raw`\{id\}`, String.raw`(\d+)`)}$`)
}

export interface Match {
  handler: Handler
  params: string[]
}

/**
 * The handler for a request. A GET without its trailing slash is redirected, as Django's
 * CommonMiddleware does (the docs always write the slash).
 */
export function resolveRoute(routes: Route[], method: string, path: string, search: string): Match | ApiError {
  for (const route of routes) {
    const match = route.pattern.exec(path)
    if (!match) continue
    const handler = route.methods[method]
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ')
      return new ApiError(405, `Method "${method}" not allowed.`, {headers: {Allow: allow}})
    }

    return {handler, params: match.slice(1)}
  }

  if (method === 'GET' && !path.endsWith('/') && routes.some((route) => route.pattern.test(`${path}/`))) {
    return new ApiError(301, 'Moved permanently.', {headers: {Location: `${path}/${search}`}})
  }

  return new ApiError(404, 'Not found.')
}
