/**
 * `structure gather`: reads a live WordPress site into the body of `update-structure`
 * (docs/backend-contract.md, Update structure). Discovery, then (when given) a check of the WordPress
 * credentials, then either the IGNY8 plugin's site metadata or core REST: types and taxonomies, and one
 * `per_page=1` request per collection for its `X-WP-Total`, run through a bounded pool. Selection,
 * defaults and overrides come from ./selection.ts.
 */
import type {Got} from 'got'

import type {RestIndex, WpUser} from '../wordpress/schemas.js'

import {describeIssues, type StructurePayload, structurePayloadSchema} from '../backend/contract.js'
import {CliError, ExitCode, isCliError, notConnectedError} from '../errors.js'
import {assertCredentialTransport} from '../http/transport-policy.js'
import {WordPressAnswerError, WordPressClient, type WpCredentials} from '../wordpress/client.js'
import {type Discovery, type DiscoveryVia, INDEX_FIELDS, RestDiscovery} from '../wordpress/discovery.js'
import {PLUGIN_NAMESPACE, readSiteMetadata, type SiteMetadata} from '../wordpress/igny8-plugin.js'
import {isCleartext} from '../wordpress/site-url.js'
import {isHtml, WordPressTransport, type WpResponse} from '../wordpress/transport.js'
import {feedUrl, versionFromFeed, versionFromHtml} from '../wordpress/version.js'
import {mapWithConcurrency} from './pool.js'
import {applyOverrides, type FoundItem, isCoreInternal, type Kind, KIND_NAMES, type Overrides, type Structure, withDefaults} from './selection.js'

export type StructureSource = 'auto' | 'rest' | 'plugin'

export interface GatherOptions {
  /** Checked with parseSiteUrl(). */
  siteUrl: URL
  source: StructureSource
  credentials?: WpCredentials
  /** The site API key, for the IGNY8 plugin. */
  apiKey?: string
  allowHttp: boolean
  concurrency: number
  overrides: Overrides
  http: Got
  now?: () => Date
  /** What the caller already did or started for this site, so that nothing is requested twice. */
  prepared?: PreparedGather
  /**
   * Read what can be read when a collection fails for now (a network error, a 5xx or a 429 after the
   * retries, or a type or taxonomy list that did not answer), and name what is missing in
   * `report.incomplete`, instead of failing on the first such error. For callers that refuse an
   * incomplete structure with their own words (`structure push`); default false.
   */
  partial?: boolean
}

/**
 * `transport`: the one the other parts were read with (its request count is the report's).
 * `home`: the home page, requested (or still on its way) with HOME_ACCEPT: `structure gather` sends it
 * before loading the rest of the command. `discovery`: the REST API already found, and `user`: the
 * application password already verified (`integration check` does both in checks of their own).
 */
export interface PreparedGather {
  transport: WordPressTransport
  home?: Promise<WpResponse>
  discovery?: Discovery
  user?: WpUser
}

export interface GatherReport {
  source: 'rest' | 'plugin'
  restRoot: string
  discoveredVia: DiscoveryVia
  /** Under `--source auto`: why the plugin was not used. */
  pluginSkipped?: string
  /** The WordPress user the credentials belong to. */
  user?: WpUser
  /** Types and taxonomies left out, with the reason (core internals are not listed). */
  excluded: Array<{kind: Kind; slug: string; reason: string}>
  /**
   * With `partial`: what could not be read just now, each named with its reason (`post type "post":
   * /wp/v2/posts failed: 500 …`). Not empty = the structure lacks those, so it must not replace a stored
   * one. A collection that refuses anonymous reading (401/403) is `excluded`, not incomplete: the
   * plugin leaves it out too.
   */
  incomplete: string[]
  warnings: string[]
  /** HTTP exchanges with the site, redirects and retries included (with a prepared transport, the caller's for this site too: the same set a gather makes on its own). */
  requests: number
  durationMs: number
}

export interface GatherResult {
  payload: StructurePayload
  report: GatherReport
}

export const REST_BLIND_SPOT =
  'Post types and taxonomies hidden from the REST API (show_in_rest false) cannot be seen, and counts are published items only (what anonymous REST shows).'

export async function gatherStructure(options: GatherOptions): Promise<GatherResult> {
  const started = performance.now()
  const {prepared} = options
  const transport = prepared?.transport ?? new WordPressTransport(options.http)
  const discovery = prepared?.discovery ?? (await new RestDiscovery(transport).discover(options.siteUrl, await prepared?.home))
  let {index} = discovery
  if (options.credentials) assertCredentialTransport(discovery.root.url, 'the WordPress application password', options.allowHttp)
  const client = new WordPressClient(transport, discovery.root, options.credentials)
  let user: WpUser | undefined
  if (client.authenticated) {
    user = prepared?.user ?? (await client.verifyCredentials(applicationPasswordsAvailable(index)))
    // A login-only site shows its index to users only.
    index ??= await client.index(INDEX_FIELDS)
  }

  const plugin = await pluginMetadata(options, transport, discovery, index)
  const {structure, excluded, incomplete} = plugin.metadata
    ? {structure: fromPlugin(plugin.metadata), excluded: [], incomplete: []}
    : await fromRest(client, options.concurrency, options.partial ?? false)
  const warnings = [
    ...(plugin.metadata ? [] : [REST_BLIND_SPOT]),
    ...excluded.map(({kind, slug, reason}) => `The ${KIND_NAMES[kind].one} "${slug}" was left out: ${reason}.`),
    ...incomplete.map((what) => `Not read, so the structure is incomplete: ${what}.`),
  ]
  const wordpressVersion = plugin.metadata?.wordpress_version ?? (await wordPressVersion(transport, discovery, index))
  const candidate: StructurePayload = {
    ...applyOverrides(structure, options.overrides),
    timestamp: (options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    site_url: plugin.metadata?.site_url ?? index?.url ?? index?.home ?? discovery.home.url,
    ...(wordpressVersion ? {wordpress_version: wordpressVersion} : {}),
    ...(plugin.metadata?.plugin_connection_enabled === undefined ? {} : {plugin_connection_enabled: plugin.metadata.plugin_connection_enabled}),
    ...(plugin.metadata?.two_way_sync_enabled === undefined ? {} : {two_way_sync_enabled: plugin.metadata.two_way_sync_enabled}),
  }
  const payload = structurePayloadSchema.safeParse(candidate)
  if (!payload.success) {
    throw new CliError(`The structure read from WordPress is not a valid update-structure body: ${describeIssues(payload.error)}.`, {
      code: 'invalid_structure',
      exitCode: ExitCode.unexpected,
    })
  }

  return {
    payload: payload.data,
    report: {
      source: plugin.metadata ? 'plugin' : 'rest',
      restRoot: discovery.root.url,
      discoveredVia: discovery.via,
      pluginSkipped: plugin.skipped,
      user,
      excluded,
      incomplete,
      warnings,
      requests: transport.requests,
      durationMs: Math.round(performance.now() - started),
    },
  }
}

interface RestStructure {
  structure: Structure
  excluded: GatherReport['excluded']
  incomplete: string[]
}

/**
 * One `per_page=1` request per collection, at most `concurrency` at a time. With `partial`, a collection
 * (or a whole list) that fails for now is named in `incomplete` and the rest is still read.
 */
async function fromRest(client: WordPressClient, concurrency: number, partial: boolean): Promise<RestStructure> {
  const incomplete: string[] = []
  /** Runs `read`; with `partial`, a passing failure is noted under `what` and yields undefined. */
  const attempt = async <R>(what: string, read: () => Promise<R>): Promise<R | undefined> => {
    try {
      return await read()
    } catch (error) {
      if (!partial || !isPassingFailure(error)) throw error
      incomplete.push(`${what}: ${(error as Error).message.replace(/\.$/, '')}`)
      return undefined
    }
  }

  const lists = [() => attempt('the post types (/wp/v2/types)', () => client.postTypes()), () => attempt('the taxonomies (/wp/v2/taxonomies)', () => client.taxonomies())] as const
  const [types, taxonomies] = concurrency > 1 ? await Promise.all([lists[0](), lists[1]()]) : [await lists[0](), await lists[1]()]
  const collections = [
    ...Object.entries(types ?? {}).map(([slug, entry]) => ({kind: 'post_types' as const, slug, entry})),
    ...Object.entries(taxonomies ?? {}).map(([slug, entry]) => ({kind: 'taxonomies' as const, slug, entry})),
  ].filter(({kind, slug}) => !isCoreInternal(kind, slug))

  // status=publish: an authenticated client would also count drafts and private items.
  const counts = await mapWithConcurrency(collections, concurrency, async ({kind, slug, entry}) =>
    attempt(`${KIND_NAMES[kind].one} "${slug}"`, () =>
      client.countCollection(`${entry.rest_namespace ?? 'wp/v2'}/${entry.rest_base}`, kind === 'post_types' ? {status: 'publish'} : {}),
    ),
  )

  const found: Record<Kind, FoundItem[]> = {post_types: [], taxonomies: []}
  const excluded: GatherReport['excluded'] = []
  for (const [i, {kind, slug, entry}] of collections.entries()) {
    const outcome = counts[i]
    if (!outcome) continue
    if (outcome.ok) {
      found[kind].push({slug, label: entry.name, count: outcome.count})
    } else {
      const who = client.authenticated ? `user "${client.credentials?.user}"` : 'an anonymous request'
      excluded.push({kind, slug, reason: `its collection answered ${outcome.status} ${outcome.error.code} to ${who} (not public)`})
    }
  }

  return {structure: {post_types: withDefaults('post_types', found.post_types), taxonomies: withDefaults('taxonomies', found.taxonomies)}, excluded, incomplete}
}

/**
 * A failure that says nothing lasting about the collection: the network (a refused, dropped or timed-out
 * request), a 5xx or a 429 still there after the retries. Not a 401/403 (not public: excluded), not a
 * 404 or an answer of the wrong shape (the site is broken: the gather fails), and not the end of a fleet
 * site's time limit (the site failed as a whole).
 */
function isPassingFailure(error: unknown): boolean {
  if (error instanceof WordPressAnswerError) return error.status >= 500 || error.status === 429
  if (!isCliError(error) || error.code !== 'wordpress_unreachable') return false
  return (error.cause as {code?: string} | undefined)?.code !== 'ERR_ABORTED'
}

function fromPlugin(metadata: SiteMetadata): Structure {
  const items = (kind: Kind): FoundItem[] =>
    Object.entries(metadata[kind])
      .filter(([slug]) => !isCoreInternal(kind, slug))
      .map(([slug, {label, count}]) => ({slug, label, count}))
  return {post_types: withDefaults('post_types', items('post_types')), taxonomies: withDefaults('taxonomies', items('taxonomies'))}
}

interface PluginChoice {
  metadata?: SiteMetadata
  skipped?: string
}

/** The plugin's metadata under `plugin` (or an error), and under `auto` when it answers. */
async function pluginMetadata(options: GatherOptions, transport: WordPressTransport, discovery: Discovery, index: RestIndex | undefined): Promise<PluginChoice> {
  if (options.source === 'rest') return {}
  const required = options.source === 'plugin'
  if (!options.apiKey) {
    if (required) throw notConnectedError('--source plugin needs the site API key.', 'Run `igny8 connect --api-key-stdin`, or set IGNY8_API_KEY.', 'missing_api_key')
    return {skipped: 'no site API key'}
  }

  if (!options.allowHttp && isCleartext(discovery.root.url)) {
    if (required) assertCredentialTransport(discovery.root.url, 'the site API key', false)
    return {skipped: 'the site API key is not sent over plain http (--allow-http allows it)'}
  }

  if (!required && index && !index.namespaces.includes(PLUGIN_NAMESPACE)) return {skipped: `the IGNY8 plugin is not installed (no ${PLUGIN_NAMESPACE} namespace)`}
  const outcome = await readSiteMetadata(transport, discovery.root, options.apiKey)
  if (outcome.ok) return {metadata: outcome.metadata}
  if (required) throw outcome.error
  return {skipped: outcome.error.message.replace(/\.$/, '')}
}

/** The generator tag of the home page, else the feed's <generator>; undefined when the site hides both. */
async function wordPressVersion(transport: WordPressTransport, discovery: Discovery, index: RestIndex | undefined): Promise<string | undefined> {
  const fromHome = isHtml(discovery.home) ? versionFromHtml(discovery.home.body) : undefined
  if (fromHome) return fromHome
  try {
    const feed = await transport.get(feedUrl(index?.home ?? discovery.home.url), {accept: 'application/rss+xml, application/xml;q=0.9, */*;q=0.5'})
    return feed.status === 200 ? versionFromFeed(feed.body) : undefined
  } catch (error) {
    if (error instanceof CliError) return undefined
    throw error
  }
}

/** `[]` in the index means WordPress will ignore application passwords; undefined when unknown. */
export function applicationPasswordsAvailable(index: RestIndex | undefined): boolean | undefined {
  if (!index?.authentication) return undefined
  return !Array.isArray(index.authentication) && 'application-passwords' in index.authentication
}
