/**
 * What a gathered structure includes, and its defaults: the rules of the IGNY8 plugin as far as they are
 * known (docs/backend-contract.md, Structure rules), kept in one place. REST already hides types and
 * taxonomies that are not `show_in_rest`; this leaves out WordPress's own internals, applies the
 * enabled/fetch_limit defaults and the user's --enable/--disable/--fetch-limit overrides.
 */
import type {StructureItem} from '../backend/contract.js'

import {CliError, ExitCode, usageError} from '../errors.js'

export type Kind = 'post_types' | 'taxonomies'

export const KIND_NAMES: Record<Kind, {one: string; many: string}> = {
  post_types: {one: 'post type', many: 'post types'},
  taxonomies: {one: 'taxonomy', many: 'taxonomies'},
}

/**
 * Core types and taxonomies that are not site content. `wp_` is WordPress's reserved prefix (wp_block,
 * wp_template, wp_template_part, wp_navigation, wp_global_styles, wp_font_family, wp_font_face,
 * wp_pattern_category …), so types newer releases add are left out without a list update.
 */
const CORE_INTERNALS: Record<Kind, ReadonlySet<string>> = {
  post_types: new Set(['attachment', 'nav_menu_item', 'revision', 'custom_css', 'customize_changeset', 'oembed_cache', 'user_request']),
  taxonomies: new Set(['nav_menu', 'link_category', 'post_format']),
}

export function isCoreInternal(kind: Kind, slug: string): boolean {
  return slug.startsWith('wp_') || CORE_INTERNALS[kind].has(slug)
}

const ENABLED_BY_DEFAULT: Record<Kind, ReadonlySet<string>> = {
  post_types: new Set(['post', 'page']),
  taxonomies: new Set(['category', 'post_tag']),
}
export const ENABLED_FETCH_LIMIT = 100
export const DEFAULT_FETCH_LIMIT = 50

export interface FoundItem {
  slug: string
  label: string
  count: number
}

export type Structure = Record<Kind, Record<string, StructureItem>>

/** Items with their default `enabled` and `fetch_limit`, in the order WordPress listed them. */
export function withDefaults(kind: Kind, items: FoundItem[]): Record<string, StructureItem> {
  const out: Record<string, StructureItem> = {}
  for (const {slug, label, count} of items) {
    const enabled = ENABLED_BY_DEFAULT[kind].has(slug)
    out[slug] = {label, count, enabled, fetch_limit: enabled ? ENABLED_FETCH_LIMIT : DEFAULT_FETCH_LIMIT}
  }

  return out
}

export interface Overrides {
  enable: ReadonlySet<string>
  disable: ReadonlySet<string>
  fetchLimits: ReadonlyMap<string, number>
}

export const NO_OVERRIDES: Overrides = {enable: new Set(), disable: new Set(), fetchLimits: new Map()}

const SLUG = /^[a-z0-9_-]{1,64}$/

/** Parses `--enable a,b`, `--disable c` and `--fetch-limit slug=N` (each repeatable; commas allowed). */
export function parseOverrides(input: {enable?: string[]; disable?: string[]; fetchLimit?: string[]}): Overrides {
  const enable = new Set(slugList(input.enable, '--enable'))
  const disable = new Set(slugList(input.disable, '--disable'))
  const both = [...enable].filter((slug) => disable.has(slug))
  if (both.length > 0) throw usageError(`${both.join(', ')} cannot be both enabled and disabled.`, undefined, 'conflicting_overrides')
  const fetchLimits = new Map<string, number>()
  for (const entry of split(input.fetchLimit)) {
    const match = /^([^=]+)=(\d+)$/.exec(entry)
    const limit = match ? Number(match[2]) : Number.NaN
    if (!match || !Number.isSafeInteger(limit) || limit < 1) {
      throw usageError(`Invalid --fetch-limit "${entry}": expected SLUG=N with N a positive integer, e.g. --fetch-limit product=200.`, undefined, 'invalid_fetch_limit')
    }

    fetchLimits.set(checkSlug(match[1]!.trim(), '--fetch-limit'), limit)
  }

  return {enable, disable, fetchLimits}
}

function split(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean)
}

function slugList(values: string[] | undefined, flag: string): string[] {
  return split(values).map((slug) => checkSlug(slug, flag))
}

function checkSlug(slug: string, flag: string): string {
  if (!SLUG.test(slug)) throw usageError(`Invalid slug "${slug}" in ${flag}: WordPress slugs are lowercase letters, digits, "-" and "_".`, undefined, 'invalid_slug')
  return slug
}

/** Applies overrides to every kind that has the slug; a slug that is in neither → exit 2 naming it. */
export function applyOverrides(structure: Structure, overrides: Overrides): Structure {
  const kinds = Object.keys(structure) as Kind[]
  const named = new Set([...overrides.enable, ...overrides.disable, ...overrides.fetchLimits.keys()])
  const unknown = [...named].filter((slug) => !kinds.some((kind) => Object.hasOwn(structure[kind], slug)))
  if (unknown.length > 0) throw unknownSlugs(unknown, structure)
  const out = {post_types: {...structure.post_types}, taxonomies: {...structure.taxonomies}}
  for (const kind of kinds) {
    for (const [slug, item] of Object.entries(out[kind])) {
      const enabled = overrides.enable.has(slug) ? true : overrides.disable.has(slug) ? false : item.enabled
      out[kind][slug] = {...item, enabled, fetch_limit: overrides.fetchLimits.get(slug) ?? item.fetch_limit}
    }
  }

  return out
}

function unknownSlugs(unknown: string[], structure: Structure): CliError {
  const known = (Object.keys(structure) as Kind[])
    .map((kind) => `${KIND_NAMES[kind].many}: ${Object.keys(structure[kind]).join(', ') || '(none)'}`)
    .join('; ')
  const internal = unknown.filter((slug) => isCoreInternal('post_types', slug) || isCoreInternal('taxonomies', slug))
  return new CliError(`Unknown ${unknown.length === 1 ? 'slug' : 'slugs'} ${unknown.map((s) => `"${s}"`).join(', ')}: this site has ${known}.`, {
    code: 'unknown_slug',
    exitCode: ExitCode.usage,
    hint:
      internal.length > 0
        ? `${internal.join(', ')} ${internal.length === 1 ? 'is a WordPress internal' : 'are WordPress internals'} and never gathered.`
        : 'Types and taxonomies hidden from the REST API (show_in_rest false) cannot be gathered.',
  })
}
