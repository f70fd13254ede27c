/**
 * Every assumption igny8 makes about the IGNY8 backend lives in this file: paths, auth header schemes,
 * the response envelope and the shapes of each endpoint, as docs/backend-contract.md describes them.
 * The client validates what it receives with these schemas and the sandbox builds what it sends
 * from them, so the two cannot drift apart. Shapes are tolerant where the docs disagree (marked [?]).
 */
import {z} from 'zod'

export const DEFAULT_API_URL = 'https://api.igny8.com/api/v1'

/** Paths relative to the API root, always with a trailing slash (docs/backend-contract.md, API root and trailing slashes). */
export const paths = {
  login: 'auth/login/',
  /** Two documented refresh paths (docs/backend-contract.md, Token refresh): the first is tried, the second on 404 or 405. */
  refresh: ['auth/refresh/', 'auth/token/refresh/'] as const,
  sites: 'auth/sites/',
  integrations: 'integration/integrations/',
  integration: (id: number) => `integration/integrations/${id}/`,
  updateStructure: (id: number) => `integration/integrations/${id}/update-structure/`,
  contentTypes: (id: number) => `integration/integrations/${id}/content-types/`,
  /** Spelling unconfirmed (docs/backend-contract.md, Sync status): a 404 here means "not offered", never a failure. */
  syncStatus: (id: number) => `integration/integrations/${id}/sync_status/`,
} as const

/** API-key schemes (docs/backend-contract.md, Site API keys): `Bearer` first, `ApiKey` once on 401; the one that worked is remembered. */
export const API_KEY_SCHEMES = ['Bearer', 'ApiKey'] as const
export type ApiKeyScheme = (typeof API_KEY_SCHEMES)[number]

/** Rate-limit headers (docs/backend-contract.md, Rate limiting). */
export const throttleHeaders = {
  limit: 'x-throttle-limit',
  remaining: 'x-throttle-remaining',
  reset: 'x-throttle-reset',
} as const

// ---------------------------------------------------------------------------------------------
// Envelope (docs/backend-contract.md, Response envelope; Lists and pagination)
// ---------------------------------------------------------------------------------------------

export const errorEnvelopeSchema = z.looseObject({
  success: z.literal(false).optional(),
  error: z.string().optional(),
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string(), z.unknown()])).optional(),
  detail: z.string().optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
})
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>

/** A success envelope `{success: true, data, message?, request_id?}`. */
export const successEnvelope = <T extends z.ZodType>(data: T) =>
  z.looseObject({
    success: z.literal(true),
    data,
    message: z.string().optional(),
    request_id: z.string().optional(),
  })

/** Top-level paginated list `{success, count, next, previous, results, request_id}`. */
export const pageEnvelope = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    success: z.literal(true).optional(),
    count: z.number().int().nonnegative().optional(),
    next: z.string().nullable().optional(),
    previous: z.string().nullable().optional(),
    results: z.array(item),
    request_id: z.string().optional(),
  })

/**
 * Where a body keeps its payload: the envelope's `data` when the body is an envelope, else the body
 * itself (raw DRF objects from before API Standard v1.0).
 */
export function unwrapData(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'success' in body && 'data' in body) {
    return (body as {data: unknown}).data
  }

  return body
}

/** A list page in any of the documented forms: top-level `results`, `data.results`, `data[]`, or a bare array. */
export interface ListPage {
  items: unknown[]
  next: string | null
  count?: number
}

export function readListPage(body: unknown): ListPage | undefined {
  if (Array.isArray(body)) return {items: body, next: null}
  if (!body || typeof body !== 'object') return undefined
  const record = body as Record<string, unknown>
  if (Array.isArray(record.results)) {
    return {
      items: record.results,
      next: typeof record.next === 'string' ? record.next : null,
      count: typeof record.count === 'number' ? record.count : undefined,
    }
  }

  if ('data' in record) return readListPage(record.data)
  return undefined
}

export function requestIdOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'request_id' in body) {
    const id = (body as {request_id: unknown}).request_id
    if (typeof id === 'string') return id
  }

  return undefined
}

// ---------------------------------------------------------------------------------------------
// Auth (docs/backend-contract.md, Authentication)
// ---------------------------------------------------------------------------------------------

export const loginRequestSchema = z.object({email: z.string(), password: z.string()})

export const userSchema = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  username: z.string().optional(),
  role: z.string().optional(),
  account: z
    .looseObject({id: z.number().int(), name: z.string().optional(), slug: z.string().optional()})
    .nullable()
    .optional(),
})
export type User = z.infer<typeof userSchema>

const tokenPair = z.looseObject({access: z.string().min(1), refresh: z.string().min(1)})

/** Login `data`: tokens at the top of `data`, or nested in `data.tokens` (the "new" format [?]). */
export const loginDataSchema = z.union([
  z.looseObject({user: userSchema, access: z.string().min(1), refresh: z.string().min(1)}),
  z.looseObject({user: userSchema, tokens: tokenPair}),
])
export type LoginData = z.infer<typeof loginDataSchema>

export function tokensOf(data: LoginData): {access: string; refresh: string} {
  const nested = tokenPair.safeParse((data as {tokens?: unknown}).tokens)
  if (nested.success) return {access: nested.data.access, refresh: nested.data.refresh}
  const flat = data as {access: string; refresh: string}
  return {access: flat.access, refresh: flat.refresh}
}

export const refreshRequestSchema = z.object({refresh: z.string()})
/** Refresh answer: a new access token, and a new refresh token on some versions (docs/backend-contract.md, Token refresh). */
export const refreshDataSchema = z.union([
  z.looseObject({access: z.string().min(1), refresh: z.string().min(1).optional()}),
  z.looseObject({tokens: z.looseObject({access: z.string().min(1), refresh: z.string().min(1).optional()})}),
])
export type RefreshData = z.infer<typeof refreshDataSchema>

export function refreshedTokensOf(data: RefreshData): {access: string; refresh?: string} {
  const source = (data as {tokens?: unknown}).tokens ?? data
  const {access, refresh} = source as {access: string; refresh?: string}
  return {access, refresh}
}

// ---------------------------------------------------------------------------------------------
// Sites and integrations (docs/backend-contract.md, Sites; Integrations list)
// ---------------------------------------------------------------------------------------------

export const siteSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  slug: z.string().nullable().optional(),
  domain: z.string().nullable().optional(),
  is_active: z.boolean().optional(),
  hosting_type: z.string().nullable().optional(),
  wp_url: z.string().nullable().optional(),
  wp_api_key: z.string().nullable().optional(),
})
export type Site = z.infer<typeof siteSchema>

export const integrationSchema = z.looseObject({
  id: z.number().int(),
  /** The site id, or a nested site object on some serializers [?]. */
  site: z.union([z.number().int(), z.looseObject({id: z.number().int()})]).nullable().optional(),
  site_id: z.number().int().optional(),
  platform: z.string(),
  platform_type: z.string().nullable().optional(),
  is_active: z.boolean().optional(),
  sync_enabled: z.boolean().optional(),
  sync_status: z.string().nullable().optional(),
  last_sync_at: z.string().nullable().optional(),
  sync_error: z.string().nullable().optional(),
  connection_status: z.string().nullable().optional(),
  external_site_url: z.string().nullable().optional(),
  site_url: z.string().nullable().optional(),
  config_json: z.looseObject({}).nullable().optional(),
})
export type Integration = z.infer<typeof integrationSchema>

export function integrationSiteId(integration: Integration): number | undefined {
  if (typeof integration.site === 'number') return integration.site
  if (integration.site && typeof integration.site === 'object') return integration.site.id
  return integration.site_id
}

export function integrationWordPressUrl(integration: Integration): string | undefined {
  return integration.external_site_url ?? integration.site_url ?? undefined
}

export const syncStatusSchema = z.looseObject({
  sync_status: z.string().nullable().optional(),
  last_sync_at: z.string().nullable().optional(),
  sync_error: z.string().nullable().optional(),
  is_active: z.boolean().optional(),
  sync_enabled: z.boolean().optional(),
})
export type SyncStatus = z.infer<typeof syncStatusSchema>

// ---------------------------------------------------------------------------------------------
// Structure and content types (docs/backend-contract.md, Update structure; Content types)
// ---------------------------------------------------------------------------------------------

/** WordPress post type and taxonomy keys: lowercase alphanumerics, dashes and underscores. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, {error: 'expected a WordPress slug (lowercase letters, digits, "-" and "_")'})

const countSchema = z.number({error: 'expected a non-negative integer'}).int({error: 'expected a non-negative integer'}).nonnegative({error: 'expected a non-negative integer'})

export const structureItemSchema = z.looseObject({
  label: z.string({error: 'expected a string'}),
  count: countSchema,
  enabled: z.boolean({error: 'expected true or false'}),
  fetch_limit: z
    .number({error: 'expected a positive integer'})
    .int({error: 'expected a positive integer'})
    .min(1, {error: 'expected a positive integer'}),
})
export type StructureItem = z.infer<typeof structureItemSchema>

/** The body of `update-structure`, and the result of `structure gather`. */
export const structurePayloadSchema = z.looseObject({
  post_types: z.record(slugSchema, structureItemSchema, {error: 'expected an object keyed by post type slug'}),
  taxonomies: z.record(slugSchema, structureItemSchema, {error: 'expected an object keyed by taxonomy slug'}),
  timestamp: z.iso.datetime({offset: true, error: 'expected an ISO-8601 date-time'}),
  site_url: z.string().optional(),
  wordpress_version: z.string().optional(),
  plugin_connection_enabled: z.boolean({error: 'expected true or false'}).optional(),
  two_way_sync_enabled: z.boolean({error: 'expected true or false'}).optional(),
})
export type StructurePayload = z.infer<typeof structurePayloadSchema>

export const updateStructureDataSchema = z.looseObject({
  message: z.string().optional(),
  post_types_count: z.number().int().nonnegative(),
  taxonomies_count: z.number().int().nonnegative(),
  last_structure_fetch: z.string().nullable().optional(),
})
export type UpdateStructureData = z.infer<typeof updateStructureDataSchema>

export const contentTypeItemSchema = structureItemSchema.partial().extend({
  synced_count: z.number().int().nonnegative().optional(),
})
export type ContentTypeItem = z.infer<typeof contentTypeItemSchema>

/** `content-types` answer. Its shape is a guess from the push payload (docs/backend-contract.md, Content types): every part optional. */
export const contentTypesDataSchema = z.looseObject({
  post_types: z.record(z.string(), contentTypeItemSchema).nullable().optional(),
  taxonomies: z.record(z.string(), contentTypeItemSchema).nullable().optional(),
  plugin_connection_enabled: z.boolean().nullable().optional(),
  two_way_sync_enabled: z.boolean().nullable().optional(),
  last_structure_fetch: z.string().nullable().optional(),
})
export type ContentTypesData = z.infer<typeof contentTypesDataSchema>

/**
 * The fields a command reads from each object answer. Every part of `content-types` is optional, so an
 * answer that holds none of them (a maintenance notice `{"detail": "…"}`, an empty `data`) would read as
 * "nothing stored yet": it is an unexpected answer instead (docs/backend-contract.md, Content types). The
 * lists need a list (see readListPage).
 */
export const answerFields = {
  contentTypes: ['post_types', 'taxonomies', 'last_structure_fetch', 'plugin_connection_enabled', 'two_way_sync_enabled'],
  updateStructure: ['message', 'post_types_count', 'taxonomies_count', 'last_structure_fetch'],
} as const

/** Whether `data` (an answer's payload, see unwrapData) is an object holding at least one of `fields`, even as null. */
export function holdsAnyField(data: unknown, fields: readonly string[]): boolean {
  return Boolean(data) && typeof data === 'object' && !Array.isArray(data) && fields.some((field) => Object.hasOwn(data as object, field))
}

/** What a body says in words: `error`, `detail` or `message`, of the body or of its `data`. */
export function wordsOf(body: unknown): string | undefined {
  const record = (value: unknown): Record<string, unknown> | undefined =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  for (const source of [record(body), record(record(body)?.data)]) {
    for (const key of ['error', 'detail', 'message']) {
      const value = source?.[key]
      if (typeof value === 'string' && value.trim() !== '') return value
    }
  }

  return undefined
}

/** Human words for a zod error: `post_types.product.count: expected a non-negative integer`. */
export function describeIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.')
    return path ? `${path}: ${issue.message}` : issue.message
  })
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : ''
  return lines.join('; ') + more
}
