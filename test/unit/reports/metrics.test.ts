import {expect} from 'chai'
import {spawnSync} from 'node:child_process'

import type {FleetReport} from '../../../src/lib/checks/integration-check.js'

import {escapeLabelValue, renderMetrics} from '../../../src/lib/reports/metrics.js'
import {check, fleetFixture, HOSTILE_NAME, singleFixture, siteIdOf} from '../../helpers/report-fixtures.js'

const CONTEXT = {generatedAt: new Date('2026-01-02T03:04:05.678Z')}

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

interface Parsed {
  families: Map<string, {help: string; type: string}>
  /** Family names in the order they appear. */
  order: string[]
  samples: Sample[]
}

/**
 * A strict reader of the text exposition format, as much of it as a gauge-only file uses: HELP then TYPE
 * then the samples of each family, together; label values unescaped; anything else throws.
 */
function parse(text: string): Parsed {
  expect(text.endsWith('\n'), 'ends with a line feed').to.equal(true)
  const families = new Map<string, {help: string; type: string}>()
  const order: string[] = []
  const samples: Sample[] = []
  let current: string | undefined
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line)
    if (help) {
      expect(families.has(help[1]!), `${help[1]} declared twice`).to.equal(false)
      families.set(help[1]!, {help: help[2]!, type: ''})
      order.push(help[1]!)
      current = help[1]
      continue
    }

    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      expect(type[1], 'TYPE right after its HELP').to.equal(current)
      families.get(type[1]!)!.type = type[2]!
      continue
    }

    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!sample) throw new Error(`not a sample line: ${JSON.stringify(line)}`)
    expect(sample[1], `${sample[1]} in the block of its family`).to.equal(current)
    const labels: Record<string, string> = {}
    const rest = sample[2] ?? ''
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y
    let at = 0
    while (at < rest.length) {
      pair.lastIndex = at
      const m = pair.exec(rest)
      if (!m) throw new Error(`bad labels at ${at}: ${rest}`)
      labels[m[1]!] = m[2]!.replaceAll(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
      at = pair.lastIndex
    }

    expect(sample[3]).to.match(/^(-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/)
    samples.push({name: sample[1]!, labels, value: Number(sample[3])})
  }

  return {families, order, samples}
}

const of = (parsed: Parsed, name: string, labels: Record<string, string> = {}): Sample[] =>
  parsed.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))

const fleet = (): FleetReport =>
  fleetFixture({sites: 6, notStored: (i) => i === 0, unreachable: (i) => i === 1, drifted: (i) => i === 2, hostile: 3, shard: {index: 2, count: 4, fleetSites: 24}})

/** promtool, when installed (Debian: prometheus), as a second opinion; test/e2e/reports.test.ts requires it. */
function promtool(text: string): void {
  if (spawnSync('promtool', ['--version']).error) return
  const run = spawnSync('promtool', ['check', 'metrics'], {input: text, encoding: 'utf8'})
  expect(run.status, run.stdout + run.stderr).to.equal(0)
  expect(run.stdout + run.stderr).to.equal('')
}

describe('reports: Prometheus metrics', () => {
  it('declares every family once, with HELP and TYPE, prefixed igny8_, samples together', () => {
    const text = renderMetrics(fleet(), CONTEXT)
    const parsed = parse(text)
    expect(parsed.order).to.deep.equal([
      'igny8_check_status',
      'igny8_check_duration_seconds',
      'igny8_site_ok',
      'igny8_run_ok',
      'igny8_run_sites',
      'igny8_run_sites_by_state',
      'igny8_run_checks',
      'igny8_run_duration_seconds',
      'igny8_run_timestamp_seconds',
    ])
    for (const [name, {help, type}] of parsed.families) {
      expect(name).to.match(/^igny8_[a-z0-9_]+$/)
      expect(help, name).to.have.length.above(10)
      // All gauges: each run replaces the file. A gauge named *_total would confuse (promtool says so).
      expect(type, name).to.equal('gauge')
      expect(name).to.not.match(/_total$/)
      expect(of(parsed, name), name).to.not.be.empty
    }

    // No timestamps (node_exporter's textfile collector refuses them).
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).to.match(/ [^ ]+$/)
    promtool(text)
  })

  it('writes a check status as an enum: one series per status, 1 for the actual one', () => {
    const report = fleet()
    const parsed = parse(renderMetrics(report, CONTEXT))
    const site = report.sites[1]!
    for (const c of site.checks) {
      const series = of(parsed, 'igny8_check_status', {site_id: String(site.siteId), check: c.id})
      expect(series.map((s) => s.labels.status)).to.deep.equal(['pass', 'warn', 'fail', 'skip'])
      expect(series.map((s) => s.value)).to.deep.equal(['pass', 'warn', 'fail', 'skip'].map((status) => (status === c.status ? 1 : 0)))
      expect(series[0]!.labels).to.deep.equal({profile: 'default', site_id: String(site.siteId), site_name: site.siteName, integration_id: String(site.integrationId), check: c.id, status: 'pass'})
      const [duration] = of(parsed, 'igny8_check_duration_seconds', {site_id: String(site.siteId), check: c.id})
      expect(duration!.value).to.equal(c.durationMs / 1000)
      expect(Object.keys(duration!.labels)).to.deep.equal(['profile', 'site_id', 'integration_id', 'check'])
    }

    // The shared checks once, with no site.
    const shared = of(parsed, 'igny8_check_status', {check: 'backend.reachable'})
    expect(shared.map((s) => [s.labels.site_id, s.labels.status, s.value])).to.deep.equal([
      ['', 'pass', 1],
      ['', 'warn', 0],
      ['', 'fail', 0],
      ['', 'skip', 0],
    ])
    // Every check of every site, four series each.
    const checks = report.checks.length + report.sites.reduce((n, s) => n + s.checks.length, 0)
    expect(of(parsed, 'igny8_check_status')).to.have.length(checks * 4)
    expect(of(parsed, 'igny8_check_status').filter((s) => s.value === 1)).to.have.length(checks)
  })

  it('says which sites are OK, and the run totals', () => {
    const report = fleet()
    const parsed = parse(renderMetrics(report, CONTEXT))
    expect(of(parsed, 'igny8_site_ok').map((s) => [s.labels.site_id, s.labels.integration_id, s.value])).to.deep.equal(
      report.sites.map((s) => [String(s.siteId), String(s.integrationId), s.ok ? 1 : 0]),
    )
    expect(of(parsed, 'igny8_site_ok', {site_id: String(siteIdOf(0))})[0]!.value).to.equal(0)
    const run = {profile: 'default', shard: '2/4'}
    expect(of(parsed, 'igny8_run_ok')).to.deep.equal([{name: 'igny8_run_ok', labels: run, value: 0}])
    expect(of(parsed, 'igny8_run_sites')[0]).to.deep.equal({name: 'igny8_run_sites', labels: run, value: 6})
    expect(of(parsed, 'igny8_run_sites_by_state').map((s) => [s.labels.state, s.value])).to.deep.equal([
      ['failing', 2],
      ['warning', 1],
      ['passing', 3],
    ])
    expect(Object.fromEntries(of(parsed, 'igny8_run_checks').map((s) => [s.labels.status, s.value]))).to.deep.equal(report.summary)
    expect(of(parsed, 'igny8_run_duration_seconds')[0]!.value).to.equal(48.213)
    expect(of(parsed, 'igny8_run_timestamp_seconds')[0]!.value).to.equal(1_767_323_045.678)
  })

  it('names a single-site report by profile and integration id (it has no site id)', () => {
    const report = singleFixture()
    const text = renderMetrics(report, CONTEXT)
    const parsed = parse(text)
    const fresh = of(parsed, 'igny8_check_status', {check: 'structure.fresh', status: 'fail'})
    expect(fresh).to.deep.equal([
      {name: 'igny8_check_status', labels: {profile: 'default', site_id: '', site_name: '', integration_id: '5000', check: 'structure.fresh', status: 'fail'}, value: 1},
    ])
    expect(of(parsed, 'igny8_check_status')).to.have.length(report.checks.length * 4)
    expect(of(parsed, 'igny8_site_ok')).to.deep.equal([{name: 'igny8_site_ok', labels: {profile: 'default', site_id: '', site_name: '', integration_id: '5000'}, value: 0}])
    expect(of(parsed, 'igny8_run_sites')[0]!.value).to.equal(1)
    expect(of(parsed, 'igny8_run_ok')[0]!.labels).to.deep.equal({profile: 'default', shard: ''})
    // Without an integration: an empty label, still one series per check.
    const none = parse(renderMetrics(singleFixture({integrationId: null}), CONTEXT))
    expect(of(none, 'igny8_site_ok')[0]!.labels.integration_id).to.equal('')
    promtool(text)
  })

  it('escapes label values: backslash, double quote and line feed; other control characters become spaces', () => {
    expect(escapeLabelValue('a\\b"c\nd')).to.equal(String.raw`a\\b\"c\nd`)
    expect(escapeLabelValue('x\ry\u0000z\u001B\tq')).to.equal('x y z \tq')
    expect(escapeLabelValue('lone \uD800 half, 😀 kept')).to.equal('lone \uFFFD half, 😀 kept')
    const report = fleet()
    report.profile = String.raw`ops "eu"\1`
    const text = renderMetrics(report, CONTEXT)
    const parsed = parse(text)
    const hostile = report.sites[3]!
    const [series] = of(parsed, 'igny8_site_ok', {site_id: String(hostile.siteId)})
    expect(series!.labels.site_name).to.equal(HOSTILE_NAME)
    expect(series!.labels.profile).to.equal(String.raw`ops "eu"\1`)
    // Every sample is one line: the line feed of the name is escaped.
    expect(text).to.include(String.raw`\"quoted\" \\ back\nslash & co"`)
    promtool(text)
  })

  it('never writes a series twice, even when the report repeats a site or a check', () => {
    const report = fleet()
    report.sites.push(report.sites[0]!)
    report.sites[1]!.checks.push(check('structure.drift', 'fail', 'again'))
    const parsed = parse(renderMetrics(report, CONTEXT))
    const keys = parsed.samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`)
    expect(new Set(keys).size).to.equal(keys.length)
    // The first one stands.
    const drift = of(parsed, 'igny8_check_status', {site_id: String(report.sites[1]!.siteId), check: 'structure.drift', status: 'fail'})
    expect(drift.map((s) => s.value)).to.deep.equal([0])
  })

  it('has no structure-age series: a check result carries its age only as text', () => {
    const text = renderMetrics(fleet(), CONTEXT)
    expect(text).to.not.include('igny8_structure_age_seconds')
  })
})
