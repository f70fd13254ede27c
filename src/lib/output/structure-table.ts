/**
 * The post-type / taxonomy table shown by `structure gather`, `structure push` and
 * `content-types show`: slug, label, count, (synced count), enabled, fetch limit.
 */
import chalk from 'chalk'
import Table from 'cli-table3'

import type {Row} from './format.js'

export interface StructureRow {
  label?: string
  count?: number
  enabled?: boolean
  fetch_limit?: number
  synced_count?: number
}

export function renderStructureTable(items: Record<string, StructureRow>, options: {synced?: boolean} = {}): string {
  const slugs = Object.keys(items).sort()
  if (slugs.length === 0) return chalk.dim('  (none)')
  const head = ['slug', 'label', options.synced ? 'WordPress count' : 'count', ...(options.synced ? ['synced'] : []), 'enabled', 'fetch limit']
  // cli-table3 colours its borders and head by default, even when piped: colour goes through chalk only.
  const table = new Table({
    head: head.map((h) => chalk.bold(h)),
    style: {head: [], border: [], 'padding-left': 1, 'padding-right': 1},
    colAligns: ['left', 'left', 'right', ...(options.synced ? (['right'] as const) : []), 'left', 'right'],
  })
  for (const slug of slugs) {
    const item = items[slug]!
    table.push([
      slug,
      item.label ?? '',
      item.count === undefined ? '-' : String(item.count),
      ...(options.synced ? [item.synced_count === undefined ? '-' : String(item.synced_count)] : []),
      item.enabled === undefined ? '-' : item.enabled ? chalk.green('yes') : chalk.dim('no'),
      item.fetch_limit === undefined ? '-' : String(item.fetch_limit),
    ])
  }

  return table.toString()
}

/** Both tables of a structure, headed "Post types" and "Taxonomies". */
export function renderStructureTables(structure: {post_types: Record<string, StructureRow>; taxonomies: Record<string, StructureRow>}, options: {synced?: boolean} = {}): string {
  return `Post types\n${renderStructureTable(structure.post_types, options)}\n\nTaxonomies\n${renderStructureTable(structure.taxonomies, options)}`
}

/** The rows of `content-types show` (with synced counts) and `structure gather` for --format and pipes. */
export const CONTENT_TYPE_FIELDS = ['kind', 'slug', 'label', 'count', 'synced_count', 'enabled', 'fetch_limit'] as const
export const STRUCTURE_FIELDS = ['kind', 'slug', 'label', 'count', 'enabled', 'fetch_limit'] as const

/** One row per post type, then per taxonomy, each sorted by slug: kind (post_type, taxonomy), slug and the item's fields. */
export function structureRows(structure: {post_types: Record<string, StructureRow>; taxonomies: Record<string, StructureRow>}): Row[] {
  const rows = (kind: string, items: Record<string, StructureRow>): Row[] =>
    Object.keys(items)
      .sort()
      .map((slug) => {
        const item = items[slug]!
        return {kind, slug, label: item.label, count: item.count, synced_count: item.synced_count, enabled: item.enabled, fetch_limit: item.fetch_limit}
      })
  return [...rows('post_type', structure.post_types), ...rows('taxonomy', structure.taxonomies)]
}
