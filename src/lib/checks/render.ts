/**
 * Human output of `integration check`: one line per check (✓ pass, ! warn, ✗ fail, - skip) with its
 * duration, then the hints of what failed or warned, then a one-line verdict; for a fleet, a table of
 * the sites and the problems of each one that is not OK.
 */
import chalk from 'chalk'
import Table from 'cli-table3'

import {formatMilliseconds, formatSeconds} from '../duration.js'
import {plural} from '../output/words.js'
import type {CheckReport, FleetReport, SiteReport} from './integration-check.js'
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

export function renderFleetReport(report: FleetReport, strict: boolean): string {
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.count} of ${report.shard.fleetSites} sites)` : ''
  const lines = [chalk.bold(`Integration check of ${plural(report.sites.length, 'site')}${shard} · profile ${report.profile}`), '', ...renderCheckLines(report.checks)]
  const sharedHints = renderHints(report.checks, '  ')
  if (sharedHints.length > 0) lines.push('', 'What to do:', ...sharedHints)
  if (report.sites.length > 0) lines.push('', siteTable(report.sites))
  for (const site of report.sites.filter((s) => s.checks.some((c) => c.status === 'fail' || c.status === 'warn'))) {
    lines.push('', `Site ${site.siteId} "${site.siteName}"${site.integrationId === null ? '' : ` (integration ${site.integrationId})`}:`)
    for (const check of site.checks.filter((c) => c.status === 'fail' || c.status === 'warn')) {
      lines.push(`  ${symbol(check.status)} ${check.id}: ${check.detail}`)
      if (check.hint) lines.push(chalk.dim(`    Hint: ${check.hint}`))
    }
  }

  lines.push('', fleetVerdict(report, strict))
  return lines.join('\n')
}

function siteTable(sites: SiteReport[]): string {
  const table = new Table({
    head: ['site', 'name', 'integration', 'result', 'pass', 'warn', 'fail', 'skip', 'problems'].map((h) => chalk.bold(h)),
    style: {head: [], border: [], 'padding-left': 1, 'padding-right': 1},
    colAligns: ['right', 'left', 'right', 'left', 'right', 'right', 'right', 'right', 'left'],
  })
  for (const site of sites) {
    const s = summarize(site.checks)
    const problems = site.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${SYMBOLS[c.status]} ${c.id}`)
    table.push([
      String(site.siteId),
      site.siteName,
      site.integrationId === null ? '-' : String(site.integrationId),
      site.ok ? chalk.green('ok') : chalk.red('FAIL'),
      String(s.pass),
      String(s.warn),
      String(s.fail),
      String(s.skip),
      problems.join(', ') || '-',
    ])
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

function fleetVerdict(report: FleetReport, strict: boolean): string {
  const counts = `${describeSummary(report.summary)} in ${formatSeconds(report.durationMs)}`
  const failedShared = report.checks.filter((c) => c.status === 'fail').map((c) => c.id)
  if (failedShared.length > 0) return `${chalk.red('✗ FAILED')}: ${failedShared.join(', ')} failed, so no site was checked (${counts}).`
  if (report.ok) return `${chalk.green('✓ OK')}: ${report.sites.length === 1 ? 'the site passes' : `all ${report.sites.length} sites pass`} every required check (${counts}).`
  const failing = report.sites.filter((s) => !s.ok).map((s) => s.siteId)
  const why = failing.length > 0 ? `${failing.length} of ${report.sites.length} sites failed: ${failing.join(', ')}` : 'the shared checks warned'
  return `${chalk.red('✗ FAILED')}${strict ? ' (--strict)' : ''}: ${why} (${counts}).`
}

function describeSummary(s: CheckSummary): string {
  return `${s.pass} passed, ${s.warn} warned, ${s.fail} failed, ${s.skip} skipped`
}
