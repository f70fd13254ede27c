/**
 * `structure gather`: reads a live WordPress site into the body of `update-structure`
 * (docs/backend-contract.md, Update structure). Discovery, then (when given) a check of the WordPress
 * credentials, then either the IGNY8 plugin's site metadata or core REST: types and taxonomies, and one
 * `per_page=1` request per collection for its `X-WP-Total`, run through a bounded pool. Selection,
 * defaults and overrides come from ./selection.ts.
 */
import type {Got} from 'got'

import {type StructurePayload, describeIssues, structurePayloadSchema} from '../backend/contract.js'
import {CliError, ExitCode, notConnectedError} from '../errors.js'
import {assertCredentialTransport} from '../http/transport-policy.js'
import {type WpCredentials, WordPressClient} from '../wordpress/client.js'
import {type Discovery, type DiscoveryVia, INDEX_FIELDS, RestDiscovery} from '../wordpress/discovery.js'
import {PLUGIN_NAMESPACE, type SiteMetadata, readSiteMetadata} from '../wordpress/igny8-plugin.js'
import type {RestIndex, WpUser} from '../wordpress/schemas.js'
import {isCleartext} from '../wordpress/site-url.js'
import {WordPressTransport, type WpResponse, isHtml} from '../wordpress/transport.js'
import {feedUrl, versionFromFeed, versionFromHtml} from '../wordpress/version.js'
import {mapWithConcurrency} from './pool.js'
import {type FoundItem, type Kind, KIND_NAMES, type Overrides, type Structure, applyOverrides, isCoreInternal, withDefaults} from './selection.js'

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
  let index = discovery.index
  if (options.credentials) assertCredentialTransport(discovery.root.url, 'the WordPress application password', options.allowHttp)
  const client = new WordPressClient(transport, discovery.root, options.credentials)
  let user: WpUser | undefined
  if (client.authenticated) {
    user = prepared?.user ?? (await client.verifyCredentials(applicationPasswordsAvailable(index)))
    // A login-only site shows its index to users only.
    index ??= await client.index(INDEX_FIELDS)
  }

  const plugin = await pluginMetadata(options, transport, discovery, index)
  const {structure, excluded} = plugin.metadata ? {structure: fromPlugin(plugin.metadata), excluded: []} : await fromRest(client, options.concurrency)
  const warnings = [
    ...(plugin.metadata ? [] : [REST_BLIND_SPOT]),
    ...excluded.map(({kind, slug, reason}) => `The ${KIND_NAMES[kind].one} "${slug}" was left out: ${reason}.`),
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
      warnings,
      requests: transport.requests,
      durationMs: Math.round(performance.now() - started),
    },
  }
}

/** One `per_page=1` request per collection, at most `concurrency` at a time. */
async function fromRest(client: WordPressClient, concurrency: number): Promise<{structure: Structure; excluded: GatherReport['excluded']}> {
  const [types, taxonomies] =
    concurrency > 1 ? await Promise.all([client.postTypes(), client.taxonomies()]) : [await client.postTypes(), await client.taxonomies()]
  const collections = [
    ...Object.entries(types).map(([slug, entry]) => ({kind: 'post_types' as const, slug, entry})),
    ...Object.entries(taxonomies).map(([slug, entry]) => ({kind: 'taxonomies' as const, slug, entry})),
  ].filter(({kind, slug}) => !isCoreInternal(kind, slug))

  // status=publish: an authenticated client would also count drafts and private items.
  const counts = await mapWithConcurrency(collections, concurrency, async ({kind, entry}) =>
    client.countCollection(`${entry.rest_namespace ?? 'wp/v2'}/${entry.rest_base}`, kind === 'post_types' ? {status: 'publish'} : {}),
  )

  const found: Record<Kind, FoundItem[]> = {post_types: [], taxonomies: []}
  const excluded: GatherReport['excluded'] = []
  for (const [i, {kind, slug, entry}] of collections.entries()) {
    const outcome = counts[i]!
    if (outcome.ok) {
      found[kind].push({slug, label: entry.name, count: outcome.count})
    } else {
      const who = client.authenticated ? `user "${client.credentials?.user}"` : 'an anonymous request'
      excluded.push({kind, slug, reason: `its collection answered ${outcome.status} ${outcome.error.code} to ${who} (not public)`})
    }
  }

  return {structure: {post_types: withDefaults('post_types', found.post_types), taxonomies: withDefaults('taxonomies', found.taxonomies)}, excluded}
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
