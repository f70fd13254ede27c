/**
 * The sandbox's whole world as one JSON-serialisable object: accounts, users, sites, integrations,
 * synced counts and the token bookkeeping (signing secret, serial, expiry watermarks, revoked refresh
 * tokens). Persisting all of it means tokens issued before a restart stay valid after it.
 * Passwords are kept in clear: this is a local demo backend, and a restart must print them again.
 */
import {randomBytes} from 'node:crypto'
import {z} from 'zod'

import type {ResolvedOptions} from './options.js'

export const STATE_VERSION = 1

const id = z.number().int().positive()
const isoOrNull = z.string().nullable()

export const accountRecordSchema = z.object({id, name: z.string(), slug: z.string()})
export type AccountRecord = z.infer<typeof accountRecordSchema>

export const ROLES = ['developer', 'owner', 'admin', 'editor', 'viewer', 'system_bot'] as const
export const userRecordSchema = z.object({
  id,
  accountId: id,
  email: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  password: z.string(),
})
export type UserRecord = z.infer<typeof userRecordSchema>

export const siteRecordSchema = z.object({
  id,
  accountId: id,
  name: z.string(),
  slug: z.string(),
  domain: z.string(),
  is_active: z.boolean(),
  hosting_type: z.string(),
  wp_url: z.string().nullable(),
  wp_api_key: z.string(),
  created_at: z.string(),
})
export type SiteRecord = z.infer<typeof siteRecordSchema>

export const integrationRecordSchema = z.object({
  id,
  accountId: id,
  siteId: id,
  platform: z.string(),
  platform_type: z.string().nullable(),
  is_active: z.boolean(),
  sync_enabled: z.boolean(),
  sync_status: z.string().nullable(),
  last_sync_at: isoOrNull,
  sync_error: z.string().nullable(),
  connection_status: z.string().nullable(),
  external_site_url: z.string().nullable(),
  config_json: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
})
export type IntegrationRecord = z.infer<typeof integrationRecordSchema>

const countMap = z.record(z.string(), z.number().int().nonnegative())
export const syncedCountsSchema = z.object({post_types: countMap, taxonomies: countMap})
export type SyncedCounts = z.infer<typeof syncedCountsSchema>

export const tokenBookSchema = z.object({
  /** Signing secret (hex) of the HS256 tokens. */
  secret: z.string().min(32),
  /** Serial of the last token issued; each token carries its own in the `seq` claim. */
  serial: z.number().int().nonnegative(),
  /** Tokens with `seq` at or below these are treated as expired (control: expire-tokens). */
  expiredThrough: z.object({access: z.number().int().nonnegative(), refresh: z.number().int().nonnegative()}),
  /** Refresh tokens used once (rotation) and kept until their own expiry. */
  revoked: z.array(z.object({jti: z.string(), exp: z.number().int()})),
})
export type TokenBook = z.infer<typeof tokenBookSchema>

export const sandboxStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  createdAt: z.string(),
  accounts: z.array(accountRecordSchema),
  users: z.array(userRecordSchema),
  sites: z.array(siteRecordSchema),
  integrations: z.array(integrationRecordSchema),
  /** Keyed by integration id: synced item counts per post type / taxonomy slug (default 0). */
  syncedCounts: z.record(z.string(), syncedCountsSchema),
  tokens: tokenBookSchema,
})
export type SandboxState = z.infer<typeof sandboxStateSchema>

export const DEMO_ACCOUNT_ID = 1
export const OWNER_EMAIL = 'demo@igny8.local'
export const VIEWER_EMAIL = 'viewer@igny8.local'
/** A second tenant, so "another account's id" answers 404 can be tested. Ids far from the demo ones. */
export const FOREIGN = {accountId: 2, userId: 3, siteId: 9001, integrationId: 9101, email: 'other@igny8.local'} as const
export const FIRST_INTEGRATION_ID = 101

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function randomToken(length: number): string {
  const bytes = randomBytes(length * 2)
  let out = ''
  // Rejection sampling keeps the alphabet uniform (248 = 4 * 62).
  for (const byte of bytes) {
    if (byte < 248) out += ALPHANUMERIC[byte % 62]
    if (out.length === length) return out
  }

  return out + randomToken(length - out.length)
}

export const newApiKey = (): string => `igny8_${randomToken(32)}`

export function wpUrlFor(options: Pick<ResolvedOptions, 'wpUrls'>, siteIndex: number): string {
  const urls = options.wpUrls
  return urls[siteIndex % urls.length] ?? urls[0] ?? ''
}

export function seedState(options: ResolvedOptions, now = new Date()): SandboxState {
  const at = now.toISOString()
  const sites: SiteRecord[] = []
  const integrations: IntegrationRecord[] = []
  for (let index = 0; index < options.sites; index++) {
    const siteId = index + 1
    const wpUrl = wpUrlFor(options, index)
    sites.push({
      id: siteId,
      accountId: DEMO_ACCOUNT_ID,
      name: `Demo Site ${siteId}`,
      slug: `demo-site-${siteId}`,
      domain: `site${siteId}.example.test`,
      is_active: true,
      hosting_type: 'wordpress',
      wp_url: wpUrl,
      wp_api_key: options.seed.apiKeys?.[index] ?? newApiKey(),
      created_at: at,
    })
    integrations.push(wordpressIntegration(FIRST_INTEGRATION_ID + index, DEMO_ACCOUNT_ID, siteId, wpUrl, at))
  }

  sites.push({
    id: FOREIGN.siteId,
    accountId: FOREIGN.accountId,
    name: 'Other Site',
    slug: 'other-site',
    domain: 'other.example.test',
    is_active: true,
    hosting_type: 'wordpress',
    wp_url: 'http://other.example.test',
    wp_api_key: newApiKey(),
    created_at: at,
  })
  integrations.push(wordpressIntegration(FOREIGN.integrationId, FOREIGN.accountId, FOREIGN.siteId, 'http://other.example.test', at))

  return {
    version: STATE_VERSION,
    createdAt: at,
    accounts: [
      {id: DEMO_ACCOUNT_ID, name: 'Demo Account', slug: 'demo-account'},
      {id: FOREIGN.accountId, name: 'Other Account', slug: 'other-account'},
    ],
    users: [
      {id: 1, accountId: DEMO_ACCOUNT_ID, email: OWNER_EMAIL, username: 'demo', role: 'owner', password: options.seed.password ?? randomToken(20)},
      {id: 2, accountId: DEMO_ACCOUNT_ID, email: VIEWER_EMAIL, username: 'viewer', role: 'viewer', password: options.seed.viewerPassword ?? randomToken(20)},
      {id: FOREIGN.userId, accountId: FOREIGN.accountId, email: FOREIGN.email, username: 'other', role: 'owner', password: randomToken(20)},
    ],
    sites,
    integrations,
    syncedCounts: {},
    tokens: {secret: randomBytes(32).toString('hex'), serial: 0, expiredThrough: {access: 0, refresh: 0}, revoked: []},
  }
}

function wordpressIntegration(integrationId: number, accountId: number, siteId: number, wpUrl: string, at: string): IntegrationRecord {
  return {
    id: integrationId,
    accountId,
    siteId,
    platform: 'wordpress',
    platform_type: 'cms',
    is_active: true,
    sync_enabled: true,
    sync_status: 'pending',
    last_sync_at: null,
    sync_error: null,
    connection_status: 'connected',
    external_site_url: wpUrl,
    config_json: {},
    created_at: at,
    updated_at: at,
  }
}
