/**
 * A fleet's results at a glance, for every report (terminal, HTML, metrics): each site's state, and the
 * failing and warning checks grouped by check id (the root causes, and how many sites each hit).
 */
import type {CheckReport, FleetReport, SiteReport} from './integration-check.js'
import type {CheckResult} from './runner.js'

/** A site at a glance: failing (not ok), warning (ok, but something warned or an optional check failed), passing. */
export type SiteState = 'failing' | 'warning' | 'passing'

export function siteState(site: Pick<SiteReport, 'ok' | 'checks'>): SiteState {
  if (!site.ok) return 'failing'
  return site.checks.some((c) => c.status === 'fail' || c.status === 'warn') ? 'warning' : 'passing'
}

/** One failing or warning check id across a fleet, and how many sites it hit. */
export interface CauseGroup {
  check: string
  title: string
  /** Sites where the check failed or warned (for a check shared by every site: 0, see `shared`). */
  sites: number
  fail: number
  warn: number
  /** A check every site shares (configuration, the backend link): it hit the whole run. */
  shared: boolean
  /** The hint of the first site it hit, if any: hints name the fix, which is usually the same. */
  hint?: string
}

/**
 * The failing and warning checks grouped by check id: shared checks first (they hit every site), then by
 * the number of sites, largest first; failures before warnings, then by id, so the order is stable.
 */
export function causeGroups(report: CheckReport | FleetReport): CauseGroup[] {
  const groups = new Map<string, CauseGroup>()
  const add = (check: CheckResult, shared: boolean): void => {
    if (check.status !== 'fail' && check.status !== 'warn') return
    const key = `${shared ? 's' : 'x'}:${check.id}`
    let group = groups.get(key)
    if (!group) {
      group = {check: check.id, title: check.title, sites: 0, fail: 0, warn: 0, shared, ...(check.hint ? {hint: check.hint} : {})}
      groups.set(key, group)
    }

    group[check.status]++
    if (!shared) group.sites++
    if (group.hint === undefined && check.hint) group.hint = check.hint
  }

  if ('sites' in report) {
    for (const check of report.checks) add(check, true)
    for (const site of report.sites) for (const check of site.checks) add(check, false)
  } else {
    for (const check of report.checks) add(check, false)
  }

  return [...groups.values()].sort(
    (a, b) => Number(b.shared) - Number(a.shared) || b.sites - a.sites || b.fail - a.fail || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0),
  )
}
