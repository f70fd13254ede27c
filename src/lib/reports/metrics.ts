/**
 * `integration check --metrics`: the report in the Prometheus text exposition format, for
 * node_exporter's textfile collector (a cron job writes the file, atomically; node_exporter serves it).
 * Every family is a gauge with # HELP and # TYPE, every series appears once, no timestamps (the
 * textfile collector refuses them: igny8_run_timestamp_seconds says when the run was).
 *
 * Labels: every family has `profile`, so files of several profiles can sit side by side. A check's
 * status is an enum, written the way Prometheus users know from kube-state-metrics: one series per
 * possible status, 1 for the actual one and 0 for the others, so `igny8_check_status{status="fail"} == 1`
 * lists what fails now and a status change is a change of value, not a series appearing and vanishing.
 * A site is named by `profile`, `site_id` and `integration_id` on every per-site series, and
 * `site_name` is added where a person reads it (igny8_check_status, igny8_site_ok). A single-site report
 * has no site id: `site_id` and `site_name` are empty and `integration_id` (with `profile`) names the
 * site. A fleet's shared checks (configuration, the backend link) have an empty `site_id` too. Run
 * totals carry `shard` ("K/N", empty without --shard).
 *
 * No structure age: a check result carries the age of the stored structure only inside the text of
 * structure.fresh's detail, not as a number, and a metric is not made by parsing prose.
 */
import type {CheckReport, FleetReport} from '../checks/integration-check.js'
import type {CheckResult, CheckStatus} from '../checks/runner.js'

import {type SiteState, siteState} from '../checks/causes.js'

export interface MetricsContext {
  generatedAt: Date
}

const STATUSES: readonly CheckStatus[] = ['pass', 'warn', 'fail', 'skip']
const STATES: readonly SiteState[] = ['failing', 'warning', 'passing']

type Labels = Array<[name: string, value: string]>

interface Family {
  name: string
  help: string
  lines: string[]
  /** Series already written (name and labels): a repeated one is dropped, never written twice. */
  seen: Set<string>
}

/** A label value as the text format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return (
    value
      // Not UTF-8 at all (a UTF-16 half without its other half): the format is UTF-8.
      .replaceAll(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      // A bare carriage return or other control character would survive the format but not the
      // line-based tools around it (grep, diff, a log): a space instead. Tab and line feed are kept.
      // eslint-disable-next-line no-control-regex -- control characters in label values become spaces
      .replaceAll(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ' ')
      .replaceAll('\\', '\\\\')
      .replaceAll('"', String.raw`\"`)
      .replaceAll('\n', String.raw`\n`)
  )
}

/** HELP text: backslash and line feed escaped. */
function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', String.raw`\n`)
}

/** Go's strconv formatting of a float, as Prometheus writes it: integers without a point, NaN and ±Inf spelt out. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

const seconds = (ms: number): number => ms / 1000
const integration = (id: number | null): string => (id === null ? '' : String(id))

export function renderMetrics(report: CheckReport | FleetReport, context: MetricsContext): string {
  const families = new Map<string, Family>()
  const family = (name: string, help: string): Family => {
    let found = families.get(name)
    if (!found) {
      found = {name, help, lines: [], seen: new Set()}
      families.set(name, found)
    }

    return found
  }

  const sample = (f: Family, labels: Labels, value: number): void => {
    const text = labels.map(([name, v]) => `${name}="${escapeLabelValue(v)}"`).join(',')
    const series = `${f.name}{${text}}`
    if (f.seen.has(series)) return
    f.seen.add(series)
    f.lines.push(`${series} ${formatValue(value)}`)
  }

  // Declared in the order they are written.
  const checkStatus = family('igny8_check_status', 'Status of one check of igny8 integration check: 1 for the status it has (pass, warn, fail or skip), 0 for the others.')
  const checkDuration = family('igny8_check_duration_seconds', 'How long the check took (0 when skipped).')
  const structureAge = family('igny8_structure_age_seconds', 'How long ago the structure the backend holds was pushed (from structure.fresh; absent when unknown).')
  const siteOk = family('igny8_site_ok', 'Whether the site passed every required check (1) or not (0); under --strict also no warning.')
  const runOk = family('igny8_run_ok', 'Whether the whole run passed (1) or failed (0): the exit status of igny8 integration check.')
  const runSites = family('igny8_run_sites', 'Sites checked in this run (this shard only with --shard).')
  const runSitesByState = family('igny8_run_sites_by_state', 'Sites checked in this run by result: failing (not OK), warning (OK with warnings or failed optional checks), passing.')
  const runChecks = family('igny8_run_checks', 'Checks run in this run, by status (shared checks counted once).')
  const runDuration = family('igny8_run_duration_seconds', 'How long the run took.')
  const runTimestamp = family('igny8_run_timestamp_seconds', 'When the report was generated, in seconds since the Unix epoch.')

  const {profile} = report
  const fleet = 'sites' in report ? report : undefined
  const shard = fleet?.shard ? `${fleet.shard.index}/${fleet.shard.count}` : ''

  const writeChecks = (checks: CheckResult[], site: {id: string; name: string; integrationId: string}): void => {
    for (const check of checks) {
      for (const status of STATUSES) {
        const labels: Labels = [
          ['profile', profile],
          ['site_id', site.id],
          ['site_name', site.name],
          ['integration_id', site.integrationId],
          ['check', check.id],
          ['status', status],
        ]
        sample(checkStatus, labels, check.status === status ? 1 : 0)
      }

      // The name is for people reading an alert: on the status and igny8_site_ok, not repeated here.
      const labels: Labels = [
        ['profile', profile],
        ['site_id', site.id],
        ['integration_id', site.integrationId],
        ['check', check.id],
      ]
      sample(checkDuration, labels, seconds(check.durationMs))
      if (check.id === 'structure.fresh' && check.ageSeconds !== undefined) sample(structureAge, labels.slice(0, 3), check.ageSeconds)
    }
  }

  const siteLabels = (site: {id: string; name: string; integrationId: string}): Labels => [
    ['profile', profile],
    ['site_id', site.id],
    ['site_name', site.name],
    ['integration_id', site.integrationId],
  ]
  const states: Record<SiteState, number> = {failing: 0, warning: 0, passing: 0}
  if (fleet) {
    writeChecks(fleet.checks, {id: '', name: '', integrationId: ''})
    for (const site of fleet.sites) {
      const who = {id: String(site.siteId), name: site.siteName, integrationId: integration(site.integrationId)}
      writeChecks(site.checks, who)
      sample(siteOk, siteLabels(who), site.ok ? 1 : 0)
      states[siteState(site)]++
    }
  } else {
    const single = report as CheckReport
    const who = {id: '', name: '', integrationId: integration(single.integrationId)}
    writeChecks(single.checks, who)
    sample(siteOk, siteLabels(who), single.ok ? 1 : 0)
    states[siteState(single)]++
  }

  const run: Labels = [
    ['profile', profile],
    ['shard', shard],
  ]
  sample(runOk, run, report.ok ? 1 : 0)
  sample(runSites, run, fleet ? fleet.sites.length : 1)
  for (const state of STATES) sample(runSitesByState, [...run, ['state', state]], states[state])
  for (const status of STATUSES) sample(runChecks, [...run, ['status', status]], report.summary[status])
  sample(runDuration, run, seconds(report.durationMs))
  sample(runTimestamp, run, context.generatedAt.getTime() / 1000)

  const out: string[] = []
  for (const f of families.values()) {
    if (f.lines.length === 0) continue
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`, ...f.lines)
  }

  return out.join('\n') + '\n'
}

