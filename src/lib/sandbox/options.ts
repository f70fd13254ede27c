/**
 * What a sandbox can be told at start: where to listen, how to persist, and which side of each
 * documented conflict (docs/backend-contract.md, Conflicts) it takes, so the client can be tested
 * against all of them.
 */
import type {ApiKeyScheme} from '../backend/contract.js'

import {API_KEY_SCHEMES, paths} from '../backend/contract.js'
import {parseHttpUrl} from '../url.js'

export type ListShape = 'top' | 'data-results' | 'data-array'
export const LIST_SHAPES: readonly ListShape[] = ['top', 'data-results', 'data-array']

export type RefreshPath = (typeof paths.refresh)[number]
export const REFRESH_PATHS: readonly RefreshPath[] = paths.refresh

export const DEFAULT_WP_URL = 'http://127.0.0.1:8089'

/** Seed values; anything left out is random (secrets) or the documented default. */
export interface SeedOptions {
  /** The owner's password (default: random). */
  password?: string
  /** The viewer's password (default: random). */
  viewerPassword?: string
  /** Per-site API keys, site i gets apiKeys[i] (default: `igny8_` + random). */
  apiKeys?: string[]
}

export interface RequestLogEntry {
  seq: number
  time: string
  method: string
  path: string
  query: Record<string, string>
  /** The Authorization scheme the caller used (never the credential), or null. */
  authScheme: string | null
  /** How the credential was understood: a JWT, a site API key, or null (none, or rejected before that). */
  authKind: 'jwt' | 'api-key' | null
  /** The status answered; null while pending or when the connection was dropped or left hanging. */
  status: number | null
  requestId: string
  /** The scripted fault that shaped the answer, if any. */
  fault?: 'status' | 'body' | 'drop' | 'hang' | 'delay' | 'headers'
  /** For update-structure only: the body received. */
  body?: unknown
}

export interface SandboxOptions {
  host?: string
  /** 0 = any free port. */
  port?: number
  /** JSON file the state is loaded from and saved to after each change; memory only without it. */
  statePath?: string
  /** Enables the `/__sandbox/` control hooks (faults, request log, token expiry, ...). */
  control?: boolean
  accessTtlSeconds?: number
  refreshTtlSeconds?: number
  /** Authorization schemes accepted for site API keys (docs/backend-contract.md, Site API keys). */
  apiKeySchemes?: ApiKeyScheme[]
  /** Refresh paths offered (docs/backend-contract.md, Token refresh); a path left out answers 404. */
  refreshPaths?: RefreshPath[]
  /** Where lists keep their items (docs/backend-contract.md, Lists and pagination). */
  listShape?: ListShape
  pageSize?: number
  /** Sites seeded in the demo account (ids 1..N). */
  sites?: number
  /** WordPress URLs: site i's integration points at wpUrls[i % length]. Applied at every start. */
  wpUrls?: string[]
  /** A real per-minute rate limit (429 over it); off by default. */
  rateLimitPerMinute?: number
  seed?: SeedOptions
  /** Called after each API request is answered (or dropped), e.g. for a --debug trace. */
  onRequest?: (entry: RequestLogEntry) => void
}

export interface ResolvedOptions {
  host: string
  port: number
  statePath?: string
  control: boolean
  accessTtlSeconds: number
  refreshTtlSeconds: number
  apiKeySchemes: ApiKeyScheme[]
  refreshPaths: RefreshPath[]
  listShape: ListShape
  pageSize: number
  sites: number
  wpUrls: string[]
  /** Whether wpUrls came from the caller (then they override a loaded state's URLs). */
  wpUrlsGiven: boolean
  rateLimitPerMinute?: number
  seed: SeedOptions
  onRequest?: (entry: RequestLogEntry) => void
}

export const MAX_SITES = 1000
export const MAX_PAGE_SIZE = 100

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  const positive = (name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    if (value === undefined) return fallback
    if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`)
    return value
  }

  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  const sites = options.sites ?? 2
  if (!Number.isInteger(sites) || sites < 0 || sites > MAX_SITES) throw new RangeError(`sites must be an integer from 0 to ${MAX_SITES}, got ${sites}`)
  const apiKeySchemes = options.apiKeySchemes ?? [...API_KEY_SCHEMES]
  const refreshPaths = options.refreshPaths ?? [...REFRESH_PATHS]
  const listShape = options.listShape ?? 'top'
  if (!LIST_SHAPES.includes(listShape)) throw new RangeError(`listShape must be one of ${LIST_SHAPES.join(', ')}`)
  const wpUrls = options.wpUrls ?? []
  for (const url of wpUrls) parseHttpUrl(url, () => new RangeError(`not an http(s) URL: ${url}`))

  return {
    host: options.host ?? '127.0.0.1',
    port,
    statePath: options.statePath,
    control: options.control ?? false,
    accessTtlSeconds: positive('accessTtlSeconds', options.accessTtlSeconds, 900),
    refreshTtlSeconds: positive('refreshTtlSeconds', options.refreshTtlSeconds, 604_800),
    apiKeySchemes,
    refreshPaths,
    listShape,
    pageSize: positive('pageSize', options.pageSize, 10, MAX_PAGE_SIZE),
    sites,
    wpUrls: wpUrls.length > 0 ? wpUrls : [DEFAULT_WP_URL],
    wpUrlsGiven: wpUrls.length > 0,
    rateLimitPerMinute: options.rateLimitPerMinute === undefined ? undefined : positive('rateLimitPerMinute', options.rateLimitPerMinute, 0),
    seed: options.seed ?? {},
    onRequest: options.onRequest,
  }
}
