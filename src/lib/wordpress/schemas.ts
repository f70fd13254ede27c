/**
 * The shapes igny8 relies on in WordPress REST answers (view context, WordPress 5.9+), validated where
 * they come in. Tolerant of extra fields; strict about what is used.
 */
import {z} from 'zod'

/** The REST index, trimmed with `_fields` (see RestDiscovery). */
export const restIndexSchema = z.looseObject({
  name: z.string().optional(),
  url: z.string().optional(),
  home: z.string().optional(),
  namespaces: z.array(z.string()),
  /** `{"application-passwords": {...}}` when application passwords are available, `[]` when not. */
  authentication: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
})
export type RestIndex = z.infer<typeof restIndexSchema>

const restVisible = {
  name: z.string(),
  slug: z.string().min(1),
  rest_base: z.string().min(1),
  /** Present since WordPress 5.9; older sites serve everything under wp/v2. */
  rest_namespace: z.string().min(1).optional(),
}

/** `/wp/v2/types`: an object keyed by slug, never an array. */
export const postTypesSchema = z.record(
  z.string(),
  z.looseObject({...restVisible, taxonomies: z.array(z.string()).optional()}),
)
export type WpPostType = z.infer<typeof postTypesSchema>[string]

/** `/wp/v2/taxonomies`: an object keyed by slug. */
export const taxonomiesSchema = z.record(
  z.string(),
  z.looseObject({...restVisible, types: z.array(z.string()).optional()}),
)
export type WpTaxonomy = z.infer<typeof taxonomiesSchema>[string]

/** `/wp/v2/users/me` */
export const currentUserSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().optional(),
  slug: z.string().optional(),
})
export type WpUser = z.infer<typeof currentUserSchema>
