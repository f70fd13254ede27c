/**
 * Check reports built in memory, shaped like what `integration check` produces (the check ids, titles,
 * details and hints of src/lib/checks/definitions.ts), for the report renderers' tests: a fleet of any
 * size with a few failing causes, one hostile site name, and a single-site report. Deterministic.
 */
import type {CheckReport, FleetReport, SiteReport} from '../../src/lib/checks/integration-check.js'

import {type CheckResult, type CheckStatus, isOk, summarize} from '../../src/lib/checks/runner.js'

export const TITLES: Record<string, string> = {
  config: 'Configuration is complete',
  'backend.reachable': 'The IGNY8 API answers',
  'backend.auth': 'The IGNY8 credentials are accepted',
  'integration.found': 'The integration exists and is a WordPress one',
  'integration.active': 'The integration is active and syncing',
  'structure.stored': 'The backend holds a site structure',
  'structure.fresh': 'The stored structure is recent',
  'wordpress.reachable': 'WordPress answers',
  'wordpress.rest': 'The WordPress REST API answers',
  'wordpress.auth': 'The WordPress credentials are accepted',
  'wordpress.structure': 'WordPress post types and taxonomies can be read',
  'structure.drift': 'The stored structure matches WordPress',
}

/** A site name that is markup: rendered, it would retitle the page and add an element. */
export const HOSTILE_NAME = `<script>document.title='PWNED';document.body.appendChild(Object.assign(document.createElement('div'),{id:'pwned'}))</script><img src=x onerror="document.title='PWNED'"> "quoted" \\ back\nslash & co`

export function check(id: string, status: CheckStatus, detail: string, extra: Partial<CheckResult> = {}): CheckResult {
  return {id, title: TITLES[id] ?? `Title of ${id}`, status, required: id !== 'structure.drift' && id !== 'wordpress.auth', durationMs: 0, detail, ...extra}
}

export const HINTS = {
  fresh: 'The IGNY8 plugin pushes daily from WP-cron (igny8_sync_site_structure): check that WP-cron runs on the site, or push now with `igny8 structure push`.',
  stored: 'Push it with `igny8 structure push`, or let the IGNY8 plugin sync (it pushes right after connecting, then daily).',
  reachable: 'Check that the site is up and reachable from here (DNS, firewall, TLS).',
  drift: "WordPress changed since the last push: the plugin's next daily sync will catch up, or push now with `igny8 structure push`.",
}

export interface FleetFixtureOptions {
  sites: number
  /** Site indexes (0-based) whose structure was never pushed (structure.stored fails, what needs it skips). */
  notStored?: (i: number) => boolean
  /** Site indexes whose WordPress does not answer. */
  unreachable?: (i: number) => boolean
  /** Site indexes whose stored structure is stale. */
  stale?: (i: number) => boolean
  /** Site indexes whose counts drifted (a warning). */
  drifted?: (i: number) => boolean
  /** The index of the site named HOSTILE_NAME. */
  hostile?: number
  strict?: boolean
  shard?: FleetReport['shard']
}

export const siteIdOf = (i: number): number => 1001 + i

/** The shared checks of a fleet, all passing. */
export function sharedChecks(sites: number): CheckResult[] {
  return [
    check('config', 'pass', 'profile default, API https://api.igny8.com/api/v1; every site this login sees, each with its integration\'s WordPress URL', {durationMs: 1}),
    check('backend.reachable', 'pass', 'https://api.igny8.com/api/v1 answered HTTP 200 in 87 ms', {durationMs: 87}),
    check('backend.auth', 'pass', `logged in as ops@example.com with IGNY8_EMAIL and IGNY8_PASSWORD; ${sites} sites`, {durationMs: 212}),
  ]
}

export function siteFixture(i: number, options: Omit<FleetFixtureOptions, 'sites'> = {}): SiteReport {
  const id = siteIdOf(i)
  const integrationId = 5000 + i
  const url = `https://shop-${id}.example.com/`
  const ms = (k: number) => ((i * 37 + k * 53) % 480) + 20
  const checks: CheckResult[] = [
    check('integration.found', 'pass', `integration ${integrationId}: WordPress, site ${id}, ${url}`, {durationMs: ms(1)}),
    check('integration.active', 'pass', 'active, sync enabled, last sync 2026-01-02T01:00:00Z: success', {durationMs: ms(2)}),
  ]
  const stored = !options.notStored?.(i)
  checks.push(
    stored
      ? check('structure.stored', 'pass', '6 post types and 9 taxonomies stored (plugin connection on, two-way sync on)', {durationMs: ms(3)})
      : check('structure.stored', 'fail', `integration ${integrationId} holds no site structure, so the Content Types tab of the IGNY8 app is empty`, {durationMs: ms(3), hint: HINTS.stored}),
  )
  if (!stored) checks.push(check('structure.fresh', 'skip', 'skipped: structure.stored failed'))
  else if (options.stale?.(i)) checks.push(check('structure.fresh', 'fail', 'last pushed 2025-12-28T04:00:00Z, 5 days ago: older than the maximum age of 26 h', {durationMs: ms(4), hint: HINTS.fresh}))
  else checks.push(check('structure.fresh', 'pass', 'last pushed 2026-01-02T01:00:00Z, 2 h ago (maximum age 26 h)', {durationMs: ms(4)}))
  const reachable = !options.unreachable?.(i)
  if (reachable) {
    checks.push(
      check('wordpress.reachable', 'pass', `${url} answered HTTP 200 in ${ms(5)} ms`, {durationMs: ms(5)}),
      check('wordpress.rest', 'pass', `${url}wp-json/ answers JSON with 11 namespaces; the IGNY8 plugin (igny8/v1) is active`, {durationMs: ms(6)}),
      check('wordpress.auth', 'skip', 'skipped: no WordPress credentials (optional)'),
      check('wordpress.structure', 'pass', '6 post types and 9 taxonomies. Read through the IGNY8 plugin (igny8/v1/structure).', {durationMs: ms(7)}),
    )
  } else {
    checks.push(
      check('wordpress.reachable', 'fail', `${url} did not answer: connect ECONNREFUSED 203.0.113.${i % 250}:443`, {durationMs: ms(5), hint: HINTS.reachable}),
      check('wordpress.rest', 'skip', 'skipped: wordpress.reachable failed'),
      check('wordpress.auth', 'skip', 'skipped: wordpress.reachable failed'),
      check('wordpress.structure', 'skip', 'skipped: wordpress.reachable failed'),
    )
  }

  if (!stored || !reachable) checks.push(check('structure.drift', 'skip', `skipped: ${stored ? 'wordpress.reachable' : 'structure.stored'} failed`))
  else if (options.drifted?.(i)) checks.push(check('structure.drift', 'warn', 'post: 120 stored, 131 live (+11, beyond the tolerance of 0)', {durationMs: ms(8), hint: HINTS.drift}))
  else checks.push(check('structure.drift', 'pass', 'no drift: every post type and taxonomy count matches the stored structure', {durationMs: ms(8)}))

  const name = i === options.hostile ? HOSTILE_NAME : `Shop ${id} – Example Store`
  return {siteId: id, siteName: name, integrationId, ok: isOk(checks, options.strict ?? false), checks}
}

export function fleetFixture(options: FleetFixtureOptions): FleetReport {
  const shared = sharedChecks(options.sites)
  const sites = Array.from({length: options.sites}, (_, i) => siteFixture(i, options))
  return {
    ok: isOk(shared, options.strict ?? false) && sites.every((s) => s.ok),
    profile: 'default',
    checks: shared,
    sites,
    shard: options.shard ?? null,
    summary: summarize([...shared, ...sites.flatMap((s) => s.checks)]),
    durationMs: 48_213,
  }
}

/** The profile's own site: structure stale, drift, everything else passing. */
export function singleFixture(overrides: Partial<CheckReport> = {}): CheckReport {
  const site = siteFixture(0, {stale: () => true, drifted: () => true})
  const checks = [
    check('config', 'pass', 'profile default, API https://api.igny8.com/api/v1, integration 5000, WordPress https://shop-1001.example.com/ (read from the profile)', {durationMs: 1}),
    ...sharedChecks(1).slice(1),
    ...site.checks,
  ]
  return {ok: isOk(checks, false), profile: 'default', integrationId: 5000, checks, summary: summarize(checks), durationMs: 3456, ...overrides}
}
