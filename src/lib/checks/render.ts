/**
 * Human output of `integration check`: one line per check (✓ pass, ! warn, ✗ fail, - skip) with its
 * duration, then the hints of what failed or warned, then a one-line verdict; for a fleet, a table of
 * the sites and the problems of each one that is not OK.
 */
import chalk from 'chalk'
import Table from 'cli-table3'

import type {CheckReport, FleetReport, SiteReport} from './integration-check.js'

import {formatMilliseconds, formatSeconds} from '../duration.js'
import {plural} from '../output/words.js'
import {causeGroups, siteState} from './causes.js'
import {type CheckResult, type CheckStatus, type CheckSummary, summarize} from './runner.js'

const SYMBOLS: Record<CheckStatus, string> = {pass: '✓', warn: '!', fail: '✗', skip: '-'}
const COLOURS: Record<CheckStatus, (text: string) => string> = {pass: chalk.green, warn: chalk.yellow, fail: chalk.red, skip: chalk.dim}

export function symbol(status: CheckStatus): string {
  return COLOURS[status](SYMBOLS[status])
}

export function renderCheckLines(checks: CheckResult[], indent = ''): string[] {
  const width = Math.max(0, ...checks.map((c) => c.id.length))
  return checks.map((c) => `${indent}${symbol(c.status)} ${c.id.padEnd(width)}  ${c.status === 'skip' ? chalk.dim(c.detail) : c.detail} ${chalk.dim(`(${formatMilliseconds(c.durationMs)})`)}`)
}

/** `✗ structure.fresh: <hint>` for every failed or warned check that has a hint. */
export function renderHints(checks: CheckResult[], indent = ''): string[] {
  return checks.filter((c) => (c.status === 'fail' || c.status === 'warn') && c.hint).map((c) => `${indent}${symbol(c.status)} ${c.id}: ${c.hint}`)
}

export function renderCheckReport(report: CheckReport, strict: boolean): string {
  const integration = report.integrationId === null ? '' : ` · integration ${report.integrationId}`
  const hints = renderHints(report.checks, '  ')
  return [
    chalk.bold(`Integration check · profile ${report.profile}${integration}`),
    '',
    ...renderCheckLines(report.checks),
    ...(hints.length > 0 ? ['', 'What to do:', ...hints] : []),
    '',
    verdict(report.checks, report.ok, strict, report.durationMs),
  ].join('\n')
}

export interface FleetRenderOptions {
  strict: boolean
  /** List every site in the table, not only the failing and warning ones (--all-rows). */
  allRows?: boolean
  /** Terminal width the table must fit (80 when not a terminal). */
  width?: number
}

/** Up to this many failing or warning sites, each one's problems and hints are listed below the table. */
const DETAILED_SITES = 10

/**
 * A fleet for a person, readable at 1,000 sites: the shared checks, a table of the sites that need
 * attention (every site with --all-rows) that fits the terminal, the causes grouped by check with the
 * number of sites each hit and its fix, and a verdict that names a few site ids at most.
 */
export function renderFleetReport(report: FleetReport, options: FleetRenderOptions): string {
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.count} of ${report.shard.fleetSites} sites)` : ''
  const lines = [chalk.bold(`Integration check of ${plural(report.sites.length, 'site')}${shard} · profile ${report.profile}`), '', ...renderCheckLines(report.checks)]
  const sharedHints = renderHints(report.checks, '  ')
  if (sharedHints.length > 0) lines.push('', 'What to do:', ...sharedHints)
  if (report.interrupted) lines.push('', chalk.yellow(`Interrupted after ${report.interrupted.sitesDone} of ${report.interrupted.sitesTotal} sites: the report covers those.`))
  const attention = report.sites.filter((site) => siteState(site) !== 'passing')
  const listed = options.allRows ? report.sites : attention
  if (listed.length > 0) lines.push('', siteTable(listed, options.width ?? 80))
  const unlisted = report.sites.length - listed.length
  if (unlisted > 0 && report.sites.length > 0) lines.push(chalk.dim(`${plural(unlisted, 'passing site')} not listed (--all-rows lists every site).`))
  if (attention.length > 0 && attention.length <= DETAILED_SITES) {
    for (const site of attention) {
      lines.push('', `Site ${site.siteId} "${site.siteName}"${site.integrationId === null ? '' : ` (integration ${site.integrationId})`}:`)
      for (const check of site.checks.filter((c) => c.status === 'fail' || c.status === 'warn')) {
        lines.push(`  ${symbol(check.status)} ${check.id}: ${check.detail}`)
        if (check.hint) lines.push(chalk.dim(`    Hint: ${check.hint}`))
      }
    }
  }

  const causes = causeGroups(report).filter((group) => !group.shared)
  if (causes.length > 0) {
    lines.push('', `Causes: ${causes.map((group) => `${group.check} ×${group.sites}`).join(' · ')}`)
    if (attention.length > DETAILED_SITES) {
      for (const group of causes) lines.push(`  ${symbol(group.fail > 0 ? 'fail' : 'warn')} ${group.check} ×${group.sites}: ${group.title}${group.hint ? chalk.dim(` (e.g. ${group.hint})`) : ''}`)
    }
  }

  lines.push('', fleetVerdict(report, options.strict))
  return lines.join('\n')
}

/** site · name · result · problems, the name and problems cut to fit `width`. */
function siteTable(sites: SiteReport[], width: number): string {
  const idWidth = Math.max(4, ...sites.map((site) => String(site.siteId).length))
  // Borders and padding take 13 columns for four columns.
  const rest = Math.max(30, width - 13 - idWidth - 7)
  const nameWidth = Math.min(28, Math.max(12, Math.floor(rest * 0.4)), Math.max(4, ...sites.map((site) => site.siteName.length)))
  const problemsWidth = rest - nameWidth
  const table = new Table({
    head: ['site', 'name', 'result', 'problems'].map((h) => chalk.bold(h)),
    style: {head: [], border: [], 'padding-left': 1, 'padding-right': 1},
    colAligns: ['right', 'left', 'left', 'left'],
    colWidths: [idWidth + 2, nameWidth + 2, 9, problemsWidth + 2],
    wordWrap: false,
  })
  for (const site of sites) {
    const state = siteState(site)
    const problems = site.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${SYMBOLS[c.status]} ${c.id}`)
    const result = state === 'failing' ? chalk.red('FAIL') : state === 'warning' ? chalk.yellow('warn') : chalk.green('ok')
    table.push([String(site.siteId), site.siteName, result, problems.join(', ') || '-'])
  }

  return table.toString()
}

/** `✓ OK: …` or `✗ FAILED: …`, naming what decided it, with the counts and the time taken. */
export function verdict(checks: CheckResult[], ok: boolean, strict: boolean, durationMs: number): string {
  const counts = `${describeSummary(summarize(checks))} in ${formatSeconds(durationMs)}`
  const ids = (status: CheckStatus, required?: boolean) =>
    checks.filter((c) => c.status === status && (required === undefined || c.required === required)).map((c) => c.id)
  if (ok) {
    const warned = ids('warn')
    const optional = ids('fail', false)
    const notes = [warned.length > 0 ? `warnings: ${warned.join(', ')}` : '', optional.length > 0 ? `optional checks failed: ${optional.join(', ')}` : ''].filter(Boolean)
    return `${chalk.green('✓ OK')}: every required check passed${notes.length > 0 ? `; ${notes.join('; ')}` : ''} (${counts}).`
  }

  const required = ids('fail', true)
  const reasons = [
    required.length > 0 ? `required ${required.length === 1 ? 'check' : 'checks'} failed: ${required.join(', ')}` : '',
    strict && ids('warn').length > 0 ? `warnings (--strict): ${ids('warn').join(', ')}` : '',
    strict && ids('fail', false).length > 0 ? `optional checks failed (--strict): ${ids('fail', false).join(', ')}` : '',
  ].filter(Boolean)
  return `${chalk.red('✗ FAILED')}: ${reasons.join('; ')} (${counts}).`
}

/** A fleet's one-line verdict: the last line of its report, and all that --quiet prints. */
export function fleetVerdict(report: FleetReport, strict: boolean): string {
  const counts = `${describeSummary(report.summary)} in ${formatSeconds(report.durationMs)}`
  const failedShared = report.checks.filter((c) => c.status === 'fail').map((c) => c.id)
  if (failedShared.length > 0) return `${chalk.red('✗ FAILED')}: ${failedShared.join(', ')} failed, so no site was checked (${counts}).`
  if (report.ok) return `${chalk.green('✓ OK')}: ${report.sites.length === 1 ? 'the site passes' : `all ${report.sites.length} sites pass`} every required check (${counts}).`
  const failing = report.sites.filter((s) => !s.ok).map((s) => s.siteId)
  const why = failing.length > 0 ? `${failing.length} of ${report.sites.length} sites failed: ${fewIds(failing)}` : 'the shared checks warned'
  return `${chalk.red('✗ FAILED')}${strict ? ' (--strict)' : ''}: ${why} (${counts}).`
}

/** `1001, 1002, 1003`, or `1001, 1002, 1003 and 249 more`. */
function fewIds(ids: number[], shown = 3): string {
  return ids.length <= shown + 1 ? ids.join(', ') : `${ids.slice(0, shown).join(', ')} and ${ids.length - shown} more`
}

function describeSummary(s: CheckSummary): string {
  return `${s.pass} passed, ${s.warn} warned, ${s.fail} failed, ${s.skip} skipped`
}
