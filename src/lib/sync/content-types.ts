/**
 * What the backend holds for an integration (GET content-types), as the `content-types show` result:
 * every field the backend sends is kept, missing parts become empty objects / null.
 */
import type {BackendClient} from '../backend/client.js'
import type {ContentTypeItem} from '../backend/contract.js'

export interface ContentTypesResult {
  [extra: string]: unknown
  integrationId: number
  post_types: Record<string, ContentTypeItem>
  taxonomies: Record<string, ContentTypeItem>
  plugin_connection_enabled: boolean | null
  two_way_sync_enabled: boolean | null
  last_structure_fetch: string | null
}

/** The plugin pushes daily; 26 h leaves slack for a late cron run. */
export const DEFAULT_MAX_AGE_MS = 26 * 3600 * 1000

export async function readContentTypes(client: BackendClient, integrationId: number): Promise<ContentTypesResult> {
  const data = await client.contentTypes(integrationId)
  return {
    ...data,
    integrationId,
    post_types: data.post_types ?? {},
    taxonomies: data.taxonomies ?? {},
    plugin_connection_enabled: data.plugin_connection_enabled ?? null,
    two_way_sync_enabled: data.two_way_sync_enabled ?? null,
    last_structure_fetch: data.last_structure_fetch ?? null,
  }
}

export function isStructureStored(result: Pick<ContentTypesResult, 'post_types' | 'taxonomies' | 'last_structure_fetch'>): boolean {
  return Object.keys(result.post_types).length > 0 || Object.keys(result.taxonomies).length > 0 || result.last_structure_fetch !== null
}

/** Milliseconds since the last push, or undefined when unknown or unparseable. */
export function structureAgeMs(lastFetch: string | null | undefined, now = Date.now()): number | undefined {
  if (!lastFetch) return undefined
  const at = Date.parse(lastFetch)
  return Number.isFinite(at) ? now - at : undefined
}

export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 90) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 90) return `${minutes} min`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.round(hours / 24)} days`
}

/** `26h`, `90m`, `2d`, `3600s` or a bare number of seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text)
  if (!match) return undefined
  const value = Number(match[1])
  const unit = (match[2] ?? 's').toLowerCase()
  const factor = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[unit]!
  return value * factor
}
