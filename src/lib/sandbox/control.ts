/**
 * Test hooks under `/__sandbox/`, mounted only with `control: true` (`--control`): script faults, read
 * the request log, expire tokens, rotate a site key, reshape an integration, set synced counts, dump the
 * state. They are never faulted, throttled or logged, and answer `{success:true, data, request_id}`.
 */
import {z} from 'zod'

import type {RequestLog} from './request-log.js'
import type {SandboxStore} from './store.js'
import type {TokenService} from './tokens.js'

import {contentTypesDataSchema} from '../backend/contract.js'
import {type FaultQueue, faultRequestSchema} from './faults.js'
import {jsonBody, notFound, type Reply, type RequestContext, validated} from './http.js'
import {controlPath, type Route} from './router.js'
import {newApiKey} from './state.js'

export interface ControlDeps {
  store: SandboxStore
  tokens: TokenService
  faults: FaultQueue
  requests: RequestLog
}

const expireSchema = z.strictObject({kind: z.enum(['access', 'refresh', 'all']).default('all')})
const revokeSchema = z.strictObject({siteId: z.number().int(), apiKey: z.string().min(8).optional()})
const countsSchema = z.strictObject({
  post_types: z.record(z.string(), z.number().int().nonnegative()).optional(),
  taxonomies: z.record(z.string(), z.number().int().nonnegative()).optional(),
})
const nullableString = z.string().nullable().optional()
export const integrationPatchSchema = z.strictObject({
  delete: z.literal(true).optional(),
  is_active: z.boolean().optional(),
  sync_enabled: z.boolean().optional(),
  sync_status: nullableString,
  sync_error: nullableString,
  last_sync_at: nullableString,
  connection_status: nullableString,
  external_site_url: nullableString,
  platform: z.string().min(1).optional(),
  platform_type: nullableString,
  config_json: z.record(z.string(), z.unknown()).optional(),
  /** Replaces `config_json.content_types` wholesale; null removes it ("nothing stored yet"). */
  content_types: contentTypesDataSchema.nullable().optional(),
  /** Sets `content_types.last_structure_fetch`, e.g. to backdate the last push. */
  last_structure_fetch: nullableString,
})

const done = (ctx: RequestContext, data: unknown, status = 200): Reply => ({status, json: {success: true, data, request_id: ctx.requestId}})

export function controlRoutes(deps: ControlDeps): Route[] {
  const {store, tokens, faults, requests} = deps
  const integrationById = (ctx: RequestContext) => {
    const integration = store.state.integrations.find((row) => row.id === Number(ctx.params[0]))
    if (!integration) throw notFound('No such integration.')
    return integration
  }

  return [
    {
      pattern: controlPath('faults'),
      methods: {
        GET: (ctx) => done(ctx, {faults: faults.pending()}),
        POST(ctx) {
          const input = validated(faultRequestSchema, jsonBody(ctx))
          const added = faults.add(Array.isArray(input) ? input : [input])
          return done(ctx, {queued: added}, 201)
        },
        DELETE: (ctx) => done(ctx, {cleared: faults.clear()}),
      },
    },
    {
      pattern: controlPath('requests'),
      methods: {
        GET: (ctx) => done(ctx, {requests: requests.list(ctx.query.get('path') ?? undefined)}),
        DELETE: (ctx) => done(ctx, {cleared: requests.clear()}),
      },
    },
    {
      pattern: controlPath('expire-tokens'),
      methods: {
        POST(ctx) {
          const {kind} = validated(expireSchema, jsonBody(ctx))
          tokens.expireIssued(kind)
          store.commit()
          return done(ctx, {kind, expiredThrough: store.state.tokens.expiredThrough})
        },
      },
    },
    {
      pattern: controlPath('revoke-api-key'),
      methods: {
        POST(ctx) {
          const {siteId, apiKey} = validated(revokeSchema, jsonBody(ctx))
          const site = store.state.sites.find((row) => row.id === siteId)
          if (!site) throw notFound('No such site.')
          site.wp_api_key = apiKey ?? newApiKey()
          store.commit()
          return done(ctx, {siteId, apiKey: site.wp_api_key})
        },
      },
    },
    {
      pattern: controlPath('integrations/{id}'),
      methods: {
        PATCH(ctx) {
          const integration = integrationById(ctx)
          const patch = validated(integrationPatchSchema, jsonBody(ctx))
          if (patch.delete) {
            store.state.integrations = store.state.integrations.filter((row) => row !== integration)
            delete store.state.syncedCounts[String(integration.id)]
            store.commit()
            return done(ctx, {deleted: integration.id})
          }

          const {delete: _delete, config_json, content_types, last_structure_fetch, ...fields} = patch
          for (const [key, value] of Object.entries(fields)) {
            if (value !== undefined) (integration as Record<string, unknown>)[key] = value
          }

          if (config_json !== undefined) integration.config_json = config_json
          if (content_types === null) delete integration.config_json.content_types
          else if (content_types !== undefined) integration.config_json.content_types = content_types
          if (last_structure_fetch !== undefined) {
            const current = integration.config_json.content_types
            integration.config_json.content_types =
              current && typeof current === 'object' ? {...current, last_structure_fetch} : {post_types: {}, taxonomies: {}, last_structure_fetch}
          }

          integration.updated_at = new Date().toISOString()
          store.commit()
          return done(ctx, {integration})
        },
      },
    },
    {
      pattern: controlPath('synced-counts/{id}'),
      methods: {
        POST(ctx) {
          const integration = integrationById(ctx)
          const input = validated(countsSchema, jsonBody(ctx))
          const key = String(integration.id)
          store.state.syncedCounts[key] ??= {post_types: {}, taxonomies: {}}
          const counts = store.state.syncedCounts[key]
          Object.assign(counts.post_types, input.post_types)
          Object.assign(counts.taxonomies, input.taxonomies)
          store.commit()
          return done(ctx, {integrationId: integration.id, syncedCounts: counts})
        },
      },
    },
    {
      pattern: controlPath('state'),
      methods: {
        GET: (ctx) => done(ctx, {...store.state, tokens: {...store.state.tokens, secret: '***'}}),
      },
    },
  ]
}
