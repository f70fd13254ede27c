/**
 * `structure push --all-sites`: what the IGNY8 plugin's daily push does, for every site of the login (or
 * one shard of them) at once. For each site: its WordPress integration and URL (connection/site-target.ts),
 * what the backend stores (content-types) and the live structure (the same gather as `structure gather`,
 * under the site's time limit); then a decision — `missing` (nothing stored), `stale` (older than
 * --max-age, or of unknown age), `drift` (added or removed types and taxonomies, or counts that moved:
 * what the `structure.drift` check looks at) — and a push of the sites whose conditions are asked for.
 *
 * A partial structure is never pushed: it would erase what the backend stores for the collections that
 * did not answer. A site whose gather failed or came back incomplete is `failed` and left as it is.
 */
import type {Site, StructurePayload} from '../backend/contract.js'
import type {BackendContext} from '../connection/backend-context.js'
import type {GatherInputs, SiteWordPress} from '../structure/gather-inputs.js'

import {type Shard, sitesOfShard} from '../checks/options.js'
import {findSiteIntegration, isOwnSite, requireWordPressUrl, siteWordPressUrl} from '../connection/site-target.js'
import {Deadline} from '../deadline.js'
import {formatDuration, formatSeconds} from '../duration.js'
import {CliError, ExitCode, isCliError, toCliError} from '../errors.js'
import {createHttp, type HttpSettings} from '../http/http-client.js'
import {type Row} from '../output/format.js'
import {plural} from '../output/words.js'
import {gatherStructure} from '../structure/gather.js'
import {mapWithConcurrency} from '../structure/pool.js'
import {type ContentTypesResult, isStructureStored, readContentTypes, structureAgeMs} from './content-types.js'
import {describeDiffEntry, type DiffEntry, diffStructure} from './diff.js'
import {incompleteStructureError, pushStructure} from './push.js'

export const PUSH_CONDITIONS = ['missing', 'stale', 'drift'] as const
export type PushCondition = (typeof PUSH_CONDITIONS)[number]

export const FLEET_ACTIONS = ['pushed', 'would-push', 'skipped', 'failed'] as const
export type FleetAction = (typeof FLEET_ACTIONS)[number]

export interface FleetSiteResult {
  siteId: number
  siteName: string
  /** Null when the site's integration could not be found. */
  integrationId: number | null
  action: FleetAction
  /** Why: the conditions met (`stale: …; drift: …`), `up to date`, or what failed. */
  reason: string
  /** Pushed and would-push: what the push changes (or changed) in what the backend stores. */
  diff?: DiffEntry[]
}

export interface FleetPushReport {
  ok: boolean
  sites: FleetSiteResult[]
  summary: Record<FleetAction, number>
}

export interface FleetPushOptions {
  backend: Pick<BackendContext, 'authMethod' | 'client' | 'profile'>
  /** The conditions that make a site be pushed (--only). */
  only: ReadonlySet<PushCondition>
  maxAgeMs: number
  dryRun: boolean
  /** Sites handled at the same time. */
  concurrency: number
  shard?: Shard
  /** The bound on one site (--site-timeout): resolving, reading and gathering it; a push once started is not cut. */
  siteTimeoutMs: number
  /** HTTP settings for WordPress; each site's requests carry its own deadline. */
  http: HttpSettings
  /** The WordPress side of one site (gather-inputs.ts resolveSiteGatherInputs). */
  inputs: (site: Site, wordpress: SiteWordPress) => Promise<GatherInputs>
  /** Called once the sites to handle are known (progress). */
  onStart?: (total: number) => void
  /** Called as each site finishes (progress). */
  onSite?: (result: FleetSiteResult, done: number, total: number) => void
  now?: () => number
}

/** Hosting types that never have a WordPress integration: such a site is skipped, not failed. */
const NOT_WORDPRESS = new Set(['igny8_sites', 'shopify'])

export async function pushFleet(options: FleetPushOptions): Promise<FleetPushReport> {
  const all = await options.backend.client.listSites()
  const sites = sitesOfShard(all, options.shard)
  options.onStart?.(sites.length)
  let done = 0
  // Every site's work catches its own failure, so one site never stops the others.
  const results = await mapWithConcurrency(sites, options.concurrency, async (site) => {
    const result = await pushSite(site, all, options)
    options.onSite?.(result, ++done, sites.length)
    return result
  })
  const summary = Object.fromEntries(FLEET_ACTIONS.map((action) => [action, results.filter((result) => result.action === action).length])) as Record<FleetAction, number>
  return {ok: summary.failed === 0, sites: results, summary}
}

async function pushSite(site: Site, all: readonly Site[], options: FleetPushOptions): Promise<FleetSiteResult> {
  const {backend} = options
  let integrationId: number | null = null
  const result = (action: FleetAction, reason: string, extra: Partial<FleetSiteResult> = {}): FleetSiteResult => ({
    siteId: site.id,
    siteName: site.name,
    integrationId,
    action,
    reason,
    ...extra,
  })
  const deadline = new Deadline(options.siteTimeoutMs)
  try {
    const read = await untilDeadline(deadline, options.siteTimeoutMs, async () => {
      const integration = await findSiteIntegration(backend.client, site)
      integrationId = integration.id
      const url = requireWordPressUrl({integration, wordpressUrl: siteWordPressUrl(integration, site)})
      const own = isOwnSite(site, {profileSiteId: backend.profile?.site?.id, authMethod: backend.authMethod, visibleSites: all.length})
      const inputs = await options.inputs(site, {url, own})
      const http = createHttp({...options.http, deadline})
      const [stored, live] = await Promise.all([readContentTypes(backend.client, integration.id), gatherStructure({...inputs, http, partial: true})])
      return {integrationId: integration.id, host: inputs.siteUrl.host, stored, live}
    })
    const {incomplete} = read.live.report
    if (incomplete.length > 0) return result('failed', incompleteStructureError(read.host, incomplete).message)
    const decision = decide(assessSite(read.stored, read.live.payload, options.maxAgeMs, options.now?.()), options.only)
    if (!decision.push) return result('skipped', decision.reason)
    const diff = diffStructure(read.stored, read.live.payload)
    if (options.dryRun) return result('would-push', decision.reason, {diff})
    await pushStructure(backend.client, read.integrationId, read.live.payload)
    return result('pushed', decision.reason, {diff})
  } catch (error) {
    if (isCliError(error) && error.code === 'no_integration' && site.hosting_type && NOT_WORDPRESS.has(site.hosting_type)) {
      return result('skipped', `not a WordPress site (hosting type ${site.hosting_type})`)
    }

    return result('failed', toCliError(error).message)
  } finally {
    deadline.clear()
  }
}

/**
 * Runs `work` until the site's deadline: its WordPress requests are aborted by the deadline itself,
 * and a backend request still pending then is left behind (nothing of it is used).
 */
async function untilDeadline<T>(deadline: Deadline, ms: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(
        new CliError(`Gave up on the site after ${formatSeconds(ms)}: its time limit (--site-timeout) ran out.`, {
          code: 'site_timeout',
          exitCode: ExitCode.wordpress,
          hint: 'Raise --site-timeout if the site is only slow.',
        }),
      )
    if (deadline.passed) {
      onAbort()
      return
    }

    deadline.signal.addEventListener('abort', onAbort, {once: true})
    work()
      .then(resolve, reject)
      .finally(() => deadline.signal.removeEventListener('abort', onAbort))
  })
}

export interface SiteAssessment {
  /** The conditions met, in the order of PUSH_CONDITIONS. */
  conditions: PushCondition[]
  /** One phrase per condition met, e.g. `stale: last pushed … (30 h ago; --max-age 26 h)`. */
  details: string[]
}

/**
 * What is wrong with what the backend stores for a site, compared with its live structure. `missing`:
 * nothing stored. `stale`: last pushed longer ago than `maxAgeMs`, or when is unknown. `drift`: a type
 * or taxonomy added or removed, or a count that moved (labels, `enabled` and `fetch_limit` are choices
 * made at push time, as in the `structure.drift` check).
 */
export function assessSite(stored: ContentTypesResult, live: Pick<StructurePayload, 'post_types' | 'taxonomies'>, maxAgeMs: number, now = Date.now()): SiteAssessment {
  if (!isStructureStored(stored)) return {conditions: ['missing'], details: ['missing: nothing stored']}
  const assessment: SiteAssessment = {conditions: [], details: []}
  const last = stored.last_structure_fetch
  const age = structureAgeMs(last, now)
  if (age === undefined) {
    assessment.conditions.push('stale')
    assessment.details.push(`stale: when it was last pushed is unknown (last_structure_fetch ${last === null ? 'missing' : `"${last}"`})`)
  } else if (age > maxAgeMs) {
    assessment.conditions.push('stale')
    assessment.details.push(`stale: last pushed ${last}, ${formatDuration(age)} ago (--max-age ${formatDuration(maxAgeMs)})`)
  }

  const drift = diffStructure(stored, live, ['count'])
  if (drift.length > 0) {
    assessment.conditions.push('drift')
    assessment.details.push(`drift: ${summarizeDiff(drift)}`)
  }

  return assessment
}

/** Push when any condition met is one asked for; the reason names every condition met. */
export function decide(assessment: SiteAssessment, only: ReadonlySet<PushCondition>): {push: boolean; reason: string} {
  if (assessment.conditions.length === 0) return {push: false, reason: 'up to date'}
  const reason = assessment.details.join('; ')
  if (assessment.conditions.some((condition) => only.has(condition))) return {push: true, reason}
  return {push: false, reason: `${reason} (not in --only ${[...only].join(',')})`}
}

/** `2 changes: post type post: count 5 → 7, taxonomy genre is new in WordPress`, at most three named. */
export function summarizeDiff(diff: readonly DiffEntry[], named = 3): string {
  if (diff.length === 0) return 'no change'
  const shown = diff.slice(0, named).map((entry) => describeDiffEntry(entry))
  return `${plural(diff.length, 'change')}: ${shown.join(', ')}${diff.length > named ? `, … ${diff.length - named} more` : ''}`
}

/** `--only missing,drift` → the set; every condition when not given. */
export function parseOnly(values?: readonly string[]): Set<PushCondition> {
  return new Set(values && values.length > 0 ? (values as PushCondition[]) : PUSH_CONDITIONS)
}

const SYMBOLS: Record<FleetAction, string> = {pushed: '✓', 'would-push': '~', skipped: '-', failed: '✗'}
const WORDS: Record<FleetAction, string> = {pushed: 'pushed    ', 'would-push': 'would push', skipped: 'skipped   ', failed: 'FAILED    '}

/**
 * One line per site pushed, to be pushed or failed (skipped sites only as a count, so a fleet of
 * thousands stays readable), then the summary line.
 */
export function renderFleetPush(report: FleetPushReport, options: {dryRun: boolean}): string {
  const lines = report.sites
    .filter((site) => site.action !== 'skipped')
    .map((site) => {
      const integration = site.integrationId === null ? '' : ` (integration ${site.integrationId})`
      // A drift's reason already names its changes; the diff adds what a push would change besides.
      const summary = site.diff && site.diff.length > 0 ? summarizeDiff(site.diff) : 'no change but the date'
      const change = site.action === 'would-push' && !site.reason.includes(summary) ? ` → ${summary}` : ''
      return `${SYMBOLS[site.action]} ${WORDS[site.action]} site ${site.siteId} "${site.siteName}"${integration}: ${site.reason}${change}`
    })
  return [...lines, ...(lines.length > 0 ? [''] : []), fleetPushVerdict(report, options)].join('\n')
}

/** The summary line: the last line of the report, and all that --quiet prints. */
export function fleetPushVerdict(report: FleetPushReport, options: {dryRun: boolean}): string {
  const {summary} = report
  const total = report.sites.length
  const done = options.dryRun ? `Dry run, nothing sent: ${summary['would-push']} of ${plural(total, 'site')} would be pushed` : `Pushed ${summary.pushed} of ${plural(total, 'site')}`
  return `${report.ok ? '✓' : '✗'} ${done}; ${summary.skipped} skipped (up to date, or not asked for by --only); ${summary.failed} failed.`
}

/** The rows of --format: one per site, every site (skipped ones too), in id order. */
export const FLEET_PUSH_FIELDS = ['siteId', 'siteName', 'integrationId', 'action', 'reason'] as const

export function fleetPushRows(report: FleetPushReport): Row[] {
  return report.sites.map(({action, integrationId, reason, siteId, siteName}) => ({siteId, siteName, integrationId, action, reason}))
}
