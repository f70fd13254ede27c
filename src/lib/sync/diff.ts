/**
 * Differences between what the backend holds (content-types) and a structure payload (what WordPress
 * has), per kind, slug and field. Used by `structure push --dry-run`, the `structure.drift` check and
 * the `roundtrip` check. Only `label`, `count`, `enabled` and `fetch_limit` are compared
 * (docs/backend-contract.md, Content types).
 */
import type {ContentTypeItem, ContentTypesData, StructureItem, StructurePayload} from '../backend/contract.js'

export type StructureKind = 'post_types' | 'taxonomies'
export const STRUCTURE_KINDS: readonly StructureKind[] = ['post_types', 'taxonomies']
export const COMPARED_FIELDS = ['label', 'count', 'enabled', 'fetch_limit'] as const
export type ComparedField = (typeof COMPARED_FIELDS)[number]

export interface DiffEntry {
  kind: StructureKind
  slug: string
  /** `exists` when the slug is on one side only. */
  field: ComparedField | 'exists'
  backend: unknown
  wordpress: unknown
}

export function diffStructure(backend: Pick<ContentTypesData, StructureKind> | undefined, wordpress: Pick<StructurePayload, StructureKind>, fields: readonly ComparedField[] = COMPARED_FIELDS): DiffEntry[] {
  const entries: DiffEntry[] = []
  for (const kind of STRUCTURE_KINDS) {
    const stored: Record<string, ContentTypeItem> = backend?.[kind] ?? {}
    const live: Record<string, StructureItem> = wordpress[kind]
    const slugs = [...new Set([...Object.keys(stored), ...Object.keys(live)])].sort()
    for (const slug of slugs) {
      const a = stored[slug]
      const b = live[slug]
      if (!a || !b) {
        entries.push({kind, slug, field: 'exists', backend: Boolean(a), wordpress: Boolean(b)})
        continue
      }

      for (const field of fields) {
        if (a[field] !== b[field]) entries.push({kind, slug, field, backend: a[field] ?? null, wordpress: b[field]})
      }
    }
  }

  return entries
}

export function describeDiffEntry(entry: DiffEntry): string {
  const kind = entry.kind === 'post_types' ? 'post type' : 'taxonomy'
  if (entry.field === 'exists') return entry.wordpress ? `${kind} ${entry.slug} is new in WordPress` : `${kind} ${entry.slug} is gone from WordPress`
  return `${kind} ${entry.slug}: ${entry.field} ${JSON.stringify(entry.backend)} → ${JSON.stringify(entry.wordpress)}`
}
