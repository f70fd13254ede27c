/**
 * `igny8 integration check`: the checks of one site (the profile's), or of every site the login sees
 * (`--all-sites`) — the backend link checked once, then each site's checks through a bounded pool, one
 * shard of the fleet when asked. Reports are plain data: the command prints them or returns them as JSON.
 */
import type {Site} from '../backend/contract.js'
import type {JUnitSuite} from './junit.js'

import {Deadline} from '../deadline.js'
import {formatDuration} from '../duration.js'
import {mapWithConcurrency} from '../structure/pool.js'
import {backendChecks, siteChecks} from './definitions.js'
import {type CheckSettings, type Shard, sitesOfShard} from './options.js'
import {type CheckResult, type CheckSummary, isOk, runChecks, summarize} from './runner.js'
import {type CheckEnvironment, RunSession, SiteSession} from './session.js'

export interface CheckReport {
  ok: boolean
  profile: string
  integrationId: number | null
  checks: CheckResult[]
  summary: CheckSummary
  durationMs: number
}

export interface SiteReport {
  siteId: number
  siteName: string
  integrationId: number | null
  ok: boolean
  checks: CheckResult[]
}

export interface FleetReport {
  ok: boolean
  /** Set when the run was interrupted (Ctrl-C): the report holds the sites done by then. */
  interrupted?: {sitesDone: number; sitesTotal: number}
  profile: string
  /** The checks every site shares (configuration and the backend link), run once. */
  checks: CheckResult[]
  sites: SiteReport[]
  /** With --shard: which slice, and how many sites the whole fleet has. */
  shard: {index: number; count: number; fleetSites: number} | null
  summary: CheckSummary
  durationMs: number
}

export interface FleetOptions {
  /** Sites checked at the same time. */
  concurrency: number
  /** The bound on one site, retries included (--site-timeout). */
  siteTimeoutMs: number
  shard?: Shard
  /** Called once the shared checks ran, with the sites about to be checked. */
  onStart?: (shared: CheckResult[], sites: Site[], fleetSites: number) => void
  /** Called as each site's checks finish (progress). */
  onSite?: (report: SiteReport, done: number, total: number) => void
}

export async function checkIntegration(env: CheckEnvironment, settings: CheckSettings): Promise<CheckReport> {
  const started = performance.now()
  const run = new RunSession(env)
  const checks = await runChecks([...backendChecks(run, 'single'), ...siteChecks(SiteSession.configured(run), settings, 'single')])
  return {
    ok: isOk(checks, settings.strict),
    profile: env.profileName,
    integrationId: run.context?.integrationId ?? null,
    checks,
    summary: summarize(checks),
    durationMs: Math.round(performance.now() - started),
  }
}

export async function checkFleet(env: CheckEnvironment, settings: CheckSettings, options: FleetOptions): Promise<FleetReport> {
  const started = performance.now()
  const run = new RunSession(env)
  const shared = await runChecks(backendChecks(run, 'fleet'))
  const ready = shared.every((check) => check.status === 'pass' || check.status === 'warn')
  const sites = ready ? sitesOfShard(run.sites, options.shard) : []
  options.onStart?.(shared, sites, run.sites.length)
  let done = 0
  // Each site's session (its gathered structure included) is dropped when its checks finish: only the
  // results are kept, so memory stays flat however large the fleet.
  const reports = await mapWithConcurrency(sites, options.concurrency, async (site) => {
    const report = await checkSite(run, site, settings, shared, options.siteTimeoutMs)
    options.onSite?.(report, ++done, sites.length)
    return report
  })
  return fleetReport({profile: env.profileName, strict: settings.strict, shared, sites: reports, shard: options.shard, fleetSites: run.sites.length, durationMs: performance.now() - started})
}

/** A fleet's report from what ran: the whole run, or (`interrupted`) the sites done by then. */
export function fleetReport(parts: {
  profile: string
  strict: boolean
  shared: CheckResult[]
  sites: SiteReport[]
  shard?: Shard
  /** Sites of the whole fleet, all shards. */
  fleetSites: number
  durationMs: number
  interrupted?: {sitesDone: number; sitesTotal: number}
}): FleetReport {
  const {shard, shared, sites} = parts
  return {
    ok: !parts.interrupted && isOk(shared, parts.strict) && sites.every((site) => site.ok),
    ...(parts.interrupted ? {interrupted: parts.interrupted} : {}),
    profile: parts.profile,
    checks: shared,
    sites,
    shard: shard ? {index: shard.index, count: shard.count, fleetSites: parts.fleetSites} : null,
    summary: summarize([...shared, ...sites.flatMap((site) => site.checks)]),
    durationMs: Math.round(parts.durationMs),
  }
}

/** After the deadline, the checks waiting on an aborted request settle at once; this is the backstop if one does not. */
const DEADLINE_GRACE_MS = 2000

async function checkSite(run: RunSession, site: Site, settings: CheckSettings, shared: CheckResult[], timeoutMs: number): Promise<SiteReport> {
  const deadline = new Deadline(timeoutMs)
  const session = SiteSession.ofFleet(run, site, deadline)
  let backstop: NodeJS.Timeout | undefined
  const overdue = new Promise<CheckResult[]>((resolve) => {
    backstop = setTimeout(() => resolve([overdueCheck(site.id, timeoutMs)]), timeoutMs + DEADLINE_GRACE_MS)
  })
  try {
    const checks = await Promise.race([runChecks(siteChecks(session, settings, 'fleet'), shared), overdue])
    // Already settled by integration.found (it always runs once the shared checks passed): no request.
    const integration = await session.integration().catch(() => {})
    return {siteId: site.id, siteName: site.name, integrationId: integration?.id ?? null, ok: isOk(checks, settings.strict), checks}
  } finally {
    clearTimeout(backstop)
    deadline.clear()
  }
}

function overdueCheck(siteId: number, timeoutMs: number): CheckResult {
  return {
    id: 'site.deadline',
    title: 'The site is checked within --site-timeout',
    status: 'fail',
    required: true,
    durationMs: timeoutMs + DEADLINE_GRACE_MS,
    detail: `its checks did not finish within ${formatDuration(timeoutMs)} (--site-timeout)`,
    hint: `Raise --site-timeout if the site is only slow; run \`igny8 integration check --site ${siteId} --debug\` to see what it waits for.`,
  }
}

/** One JUnit test suite per site (and one for the shared backend checks of a fleet). */
export function junitSuites(report: CheckReport | FleetReport): JUnitSuite[] {
  if (!('sites' in report)) {
    const integration = report.integrationId === null ? '' : `, integration ${report.integrationId}`
    return [{name: `profile ${report.profile}${integration}`, checks: report.checks, properties: {profile: report.profile, integrationId: String(report.integrationId ?? '')}}]
  }

  return [
    {name: `backend (profile ${report.profile})`, checks: report.checks, properties: {profile: report.profile}},
    ...report.sites.map((site) => ({
      name: `site ${site.siteId} ${site.siteName}`,
      classPrefix: `igny8.site${site.siteId}`,
      checks: site.checks,
      properties: {siteId: String(site.siteId), siteName: site.siteName, integrationId: String(site.integrationId ?? '')},
    })),
  ]
}
