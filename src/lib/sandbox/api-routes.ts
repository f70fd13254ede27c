/**
 * The IGNY8 API (docs/backend-contract.md, Endpoints): login, refresh, sites, integrations,
 * update-structure, content-types and sync_status. Requests are validated and answers built with the
 * contract's zod schemas. Where the docs leave a choice open the sandbox takes a documented side, and the
 * options pick between the sides of a conflict (list shape, refresh path, API-key scheme).
 */
import {z} from 'zod'

import type {Authenticator} from './auth.js'
import type {ResolvedOptions} from './options.js'
import type {IntegrationRecord, SiteRecord} from './state.js'
import type {SandboxStore} from './store.js'
import type {TokenService} from './tokens.js'

import {
  type ContentTypesData,
  contentTypesDataSchema,
  integrationSchema,
  loginDataSchema,
  loginRequestSchema,
  pageEnvelope,
  paths,
  refreshDataSchema,
  refreshRequestSchema,
  siteSchema,
  structurePayloadSchema,
  successEnvelope,
  syncStatusSchema,
  updateStructureDataSchema,
} from '../backend/contract.js'
import {ApiError, conform, jsonBody, notFound, ok, type Principal, type Reply, type RequestContext, validated} from './http.js'
import {apiPath, type Route} from './router.js'

export interface ApiDeps {
  store: SandboxStore
  tokens: TokenService
  auth: Authenticator
  options: ResolvedOptions
}

export function apiRoutes(deps: ApiDeps): Route[] {
  const {store, tokens, auth, options} = deps
  const state = () => store.state

  const login = (ctx: RequestContext): Reply => {
    const body = jsonBody(ctx)
    const input = validated(loginRequestSchema, body)
    const blank = Object.entries(input).filter(([, value]) => value.trim() === '')
    if (blank.length > 0) throw new ApiError(400, 'Validation failed', {errors: Object.fromEntries(blank.map(([key]) => [key, ['This field may not be blank.']]))})
    const user = state().users.find((candidate) => candidate.email.toLowerCase() === input.email.trim().toLowerCase())
    if (!user || user.password !== input.password) throw new ApiError(401, 'Invalid email or password')
    const account = state().accounts.find((candidate) => candidate.id === user.accountId)
    if (!account) throw new ApiError(403, 'Account not found')
    const pair = tokens.issuePair(user.id)
    store.commit()
    return ok(ctx, loginDataSchema, {
      user: {id: user.id, email: user.email, username: user.username, role: user.role, account: {id: account.id, name: account.name, slug: account.slug}},
      access: pair.access,
      refresh: pair.refresh,
    })
  }

  const refresh = (ctx: RequestContext): Reply => {
    const input = validated(refreshRequestSchema, jsonBody(ctx))
    const check = tokens.verify(input.refresh, 'refresh')
    if (!check.ok) {
      const message = check.reason === 'expired' ? 'Token is expired' : check.reason === 'revoked' ? 'Token is blacklisted' : 'Token is invalid or expired'
      throw new ApiError(401, message)
    }

    if (!state().users.some((user) => user.id === check.claims.user_id)) throw new ApiError(401, 'User not found')
    tokens.revoke(check.claims)
    const pair = tokens.issuePair(check.claims.user_id)
    store.commit()
    return ok(ctx, refreshDataSchema, pair)
  }

  const visibleSites = (principal: Principal): SiteRecord[] =>
    state()
      .sites.filter((site) => site.accountId === principal.account.id && (!principal.site || site.id === principal.site.id))
      .sort((a, b) => a.id - b.id)


  const listSites = (ctx: RequestContext): Reply => {
    const principal = auth.authenticate(ctx)
    return listReply(ctx, options, siteSchema, visibleSites(principal).map((site) => serializeSite(site, principal)))
  }

  const visibleIntegration = (principal: Principal, id: number): IntegrationRecord => {
    const integration = state().integrations.find((candidate) => candidate.id === id)
    if (!integration || integration.accountId !== principal.account.id || (principal.site && integration.siteId !== principal.site.id)) throw notFound()
    return integration
  }

  const editor = (ctx: RequestContext): Principal => {
    const principal = auth.authenticate(ctx)
    auth.requireEditor(principal)
    return principal
  }

  const listIntegrations = (ctx: RequestContext): Reply => {
    const principal = editor(ctx)
    const errors: Record<string, string[]> = {}
    const siteFilters: number[] = []
    for (const name of ['site', 'site_id']) {
      const raw = ctx.query.get(name)
      if (raw === null || raw === '') continue
      if (/^\d+$/.test(raw)) {siteFilters.push(Number(raw))}
      else {errors[name] = ['Enter a number.']}
    }

    if (Object.keys(errors).length > 0) throw new ApiError(400, 'Validation failed', {errors})
    const platform = ctx.query.get('platform')
    const rows = state()
      .integrations.filter(
        (row) =>
          row.accountId === principal.account.id &&
          (!principal.site || row.siteId === principal.site.id) &&
          siteFilters.every((siteId) => row.siteId === siteId) &&
          (!platform || row.platform === platform),
      )
      .sort((a, b) => a.id - b.id)
    return listReply(ctx, options, integrationSchema, rows.map((row) => serializeIntegration(row)))
  }

  const getIntegration = (ctx: RequestContext): Reply => {
    const integration = visibleIntegration(editor(ctx), idParam(ctx))
    return ok(ctx, integrationSchema, serializeIntegration(integration))
  }

  const updateStructure = (ctx: RequestContext): Reply => {
    const integration = visibleIntegration(editor(ctx), idParam(ctx))
    const body = jsonBody(ctx)
    ctx.log.body = body
    const payload = validated(structurePayloadSchema, body)
    const lastFetch = new Date().toISOString()
    // Replace, never merge: a type or taxonomy gone from WordPress is gone from the backend too.
    integration.config_json = {
      ...integration.config_json,
      content_types: {
        post_types: payload.post_types,
        taxonomies: payload.taxonomies,
        plugin_connection_enabled: payload.plugin_connection_enabled ?? null,
        two_way_sync_enabled: payload.two_way_sync_enabled ?? null,
        timestamp: payload.timestamp,
        site_url: payload.site_url ?? null,
        wordpress_version: payload.wordpress_version ?? null,
        last_structure_fetch: lastFetch,
      },
    }
    integration.updated_at = lastFetch
    store.commit()
    return ok(ctx, updateStructureDataSchema, {
      message: 'Site structure updated successfully',
      post_types_count: Object.keys(payload.post_types).length,
      taxonomies_count: Object.keys(payload.taxonomies).length,
      last_structure_fetch: lastFetch,
    })
  }

  const contentTypes = (ctx: RequestContext): Reply => {
    const integration = visibleIntegration(editor(ctx), idParam(ctx))
    return ok(ctx, contentTypesDataSchema, contentTypesOf(store, integration))
  }

  const syncStatus = (ctx: RequestContext): Reply => {
    const integration = visibleIntegration(editor(ctx), idParam(ctx))
    return ok(ctx, syncStatusSchema, {
      sync_status: integration.sync_status,
      last_sync_at: integration.last_sync_at,
      sync_error: integration.sync_error,
      is_active: integration.is_active,
      sync_enabled: integration.sync_enabled,
    })
  }

  return [
    {pattern: apiPath(paths.login), methods: {POST: login}},
    ...options.refreshPaths.map((path) => ({pattern: apiPath(path), methods: {POST: refresh}})),
    {pattern: apiPath(paths.sites), methods: {GET: listSites}},
    {pattern: apiPath(paths.integrations), methods: {GET: listIntegrations}},
    {pattern: apiPath(paths.integration), methods: {GET: getIntegration}},
    {pattern: apiPath(paths.updateStructure), methods: {POST: updateStructure}},
    {pattern: apiPath(paths.contentTypes), methods: {GET: contentTypes}},
    {pattern: apiPath(paths.syncStatus), methods: {GET: syncStatus}},
  ]
}

const idParam = (ctx: RequestContext): number => Number(ctx.params[0])

function serializeSite(site: SiteRecord, principal: Principal) {
  return {
    id: site.id,
    account: site.accountId,
    name: site.name,
    slug: site.slug,
    domain: site.domain,
    is_active: site.is_active,
    industry: null,
    site_type: 'blog',
    hosting_type: site.hosting_type,
    wp_url: site.wp_url,
    // What the owner sees in the app's site settings; other roles do not get the key.
    ...(principal.user.role === 'owner' ? {wp_api_key: site.wp_api_key} : {}),
    created_at: site.created_at,
  }
}

export function serializeIntegration(row: IntegrationRecord) {
  return {
    id: row.id,
    account: row.accountId,
    site: row.siteId,
    platform: row.platform,
    platform_type: row.platform_type,
    is_active: row.is_active,
    sync_enabled: row.sync_enabled,
    sync_status: row.sync_status,
    last_sync_at: row.last_sync_at,
    sync_error: row.sync_error,
    connection_status: row.connection_status,
    external_site_url: row.external_site_url,
    config_json: structuredClone(row.config_json),
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

const EMPTY_CONTENT_TYPES: ContentTypesData = {
  post_types: {},
  taxonomies: {},
  plugin_connection_enabled: null,
  two_way_sync_enabled: null,
  last_structure_fetch: null,
}

/** What `content-types` answers: the stored structure with each item's synced count (default 0). */
export function contentTypesOf(store: SandboxStore, integration: IntegrationRecord): ContentTypesData {
  const stored = integration.config_json.content_types
  if (!stored || typeof stored !== 'object') return structuredClone(EMPTY_CONTENT_TYPES)
  const parsed = contentTypesDataSchema.parse(stored)
  const counts = store.state.syncedCounts[String(integration.id)]
  const withCounts = (items: ContentTypesData['post_types'], kind: 'post_types' | 'taxonomies') =>
    Object.fromEntries(Object.entries(items ?? {}).map(([slug, item]) => [slug, {...item, synced_count: counts?.[kind][slug] ?? 0}]))
  return {
    post_types: withCounts(parsed.post_types, 'post_types'),
    taxonomies: withCounts(parsed.taxonomies, 'taxonomies'),
    plugin_connection_enabled: parsed.plugin_connection_enabled ?? null,
    two_way_sync_enabled: parsed.two_way_sync_enabled ?? null,
    last_structure_fetch: parsed.last_structure_fetch ?? null,
  }
}

/**
 * One page of a list in the configured shape (docs/backend-contract.md, Lists and pagination): top-level
 * `results`, `data.results`, or a bare `data` array (which has no pagination). `page`/`page_size` as
 * DRF's PageNumberPagination; a page past the end answers 404 "Invalid page.".
 */
export function listReply(ctx: RequestContext, options: Pick<ResolvedOptions, 'listShape' | 'pageSize'>, item: z.ZodType, items: unknown[]): Reply {
  if (options.listShape === 'data-array') {
    return conform(successEnvelope(z.array(item)), {success: true, data: items, request_id: ctx.requestId})
  }

  const rawSize = ctx.query.get('page_size')
  const size = rawSize && /^\d+$/.test(rawSize) && Number(rawSize) > 0 ? Math.min(Number(rawSize), 100) : options.pageSize
  const rawPage = ctx.query.get('page') ?? '1'
  const page = rawPage === 'last' ? Math.max(1, Math.ceil(items.length / size)) : /^\d+$/.test(rawPage) ? Number(rawPage) : Number.NaN
  const pages = Math.max(1, Math.ceil(items.length / size))
  if (!Number.isInteger(page) || page < 1 || page > pages) throw new ApiError(404, 'Invalid page.')
  const link = (target: number): string => {
    const query = new URLSearchParams(ctx.query)
    if (target === 1) query.delete('page')
    else query.set('page', String(target))
    const search = query.toString()
    return `${ctx.origin}${ctx.path}${search ? `?${search}` : ''}`
  }

  const body = {
    count: items.length,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: items.slice((page - 1) * size, page * size),
  }
  if (options.listShape === 'data-results') {
    return conform(successEnvelope(pageEnvelope(item)), {success: true, data: body, request_id: ctx.requestId})
  }

  return conform(pageEnvelope(item), {success: true, ...body, request_id: ctx.requestId})
}
