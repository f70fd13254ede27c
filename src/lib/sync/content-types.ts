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
