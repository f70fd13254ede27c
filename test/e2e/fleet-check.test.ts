/**
 * `integration check --all-sites` as an operator runs it over a fleet: a 100-site account on the sandbox
 * whose sites point at WordPress replays on loopback (a few at the real WordPress lab), half of them with
 * a stored structure, one dead site (a closed port) and one that accepts connections and never answers.
 * The dead ones fail within --site-timeout while the rest are checked; the output stays readable; the
 * reports are complete documents, also when the run is interrupted.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type CliOptions, runCli, tempConfigDir} from '../helpers/cli.js'
import {closedPort, fakeWordPress, serverPool, waitFor} from '../helpers/faults.js'
import {clearRequests, patchIntegration, type Sandbox, startTestSandbox} from '../helpers/sandbox.js'
import {ensureWordPress} from '../helpers/wordpress.js'
import {parseXml} from '../helpers/xml.js'

const SITES = 100
const DEAD = 99
const HANGING = 100

describe('e2e: integration check over a fleet', function () {
  this.timeout(180_000)
  const {serve, closeAll} = serverPool()
  let sb: Sandbox
  let configDir: string
  let work: string

  before(async function () {
    this.timeout(900_000)
    const wp = await ensureWordPress()
    // Ten replays share the healthy sites; every tenth site is the real WordPress.
    const replays = await Promise.all(Array.from({length: 10}, () => serve(fakeWordPress())))
    const hanging = await serve(fakeWordPress({override: () => true}))
    const dead = `http://127.0.0.1:${await closedPort()}`
    const wpUrls = Array.from({length: SITES}, (_, i) => {
      const id = i + 1
      if (id === DEAD) return dead
      if (id === HANGING) return hanging.url
      return id % 10 === 0 ? wp.WP_URL : replays[id % replays.length]!.url
    })
    sb = await startTestSandbox({sites: SITES, wpUrls})
    configDir = tempConfigDir()
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-fleet-'))
    const connect = await runCli(['connect', '--email', sb.credentials.email, '--password-stdin', '--site', '1'], {env: {IGNY8_API_URL: sb.apiUrl}, configDir, input: sb.credentials.password})
    expect(connect.code, connect.stderr).to.equal(0)

    // Half the sites hold the structure their WordPress has (read once from each kind of site).
    const stored = async (url: string) => {
      const gather = await runCli(['structure', 'gather', '--json', '--source', 'rest', '--wp-url', url], {configDir})
      expect(gather.code, gather.stderr).to.equal(0)
      const {post_types, taxonomies} = gather.json()
      return {post_types, taxonomies}
    }

    const fromReplay = await stored(replays[0]!.url)
    const fromLab = await stored(wp.WP_URL)
    const now = new Date().toISOString()
    await Promise.all(
      sb.credentials.sites
        .filter((site) => site.id % 2 === 0 && site.id !== HANGING)
        .map((site) => patchIntegration(sb, site.integrationId!, {content_types: site.id % 10 === 0 ? fromLab : fromReplay, last_structure_fetch: now})),
    )
  })

  after(async () => {
    await closeAll()
    await sb?.close()
    if (work) fs.rmSync(work, {recursive: true, force: true})
  })

  const check = (args: string[], onSpawn?: CliOptions['onSpawn']) =>
    runCli(['integration', 'check', '--all-sites', '--site-timeout', '3s', '--timeout', '2s', ...(args.includes('--concurrency') ? [] : ['--concurrency', '8']), ...args], {
      configDir,
      env: {IGNY8_HTTP_RETRIES: '1'},
      onSpawn,
    })

  it('checks 100 sites: the dead ones fail within --site-timeout, the others are checked; JSON, JUnit, HTML and metrics agree', async () => {
    const started = Date.now()
    const junit = path.join(work, 'fleet.xml')
    const html = path.join(work, 'fleet.html')
    const metrics = path.join(work, 'fleet.prom')
    const run = await check(['--json', '--junit', junit, '--html', html, '--metrics', metrics])
    const wall = Date.now() - started
    expect(run.code, run.stderr).to.equal(1)
    const report = run.json()
    expect(report.sites).to.have.length(SITES)
    const byId = new Map<number, {ok: boolean; checks: Array<{id: string; status: string; detail: string}>}>(report.sites.map((site: {siteId: number}) => [site.siteId, site]))
    for (const id of [DEAD, HANGING]) {
      const reachable = byId.get(id)!.checks.find((c) => c.id === 'wordpress.reachable')!
      expect(reachable.status, `site ${id}`).to.equal('fail')
    }

    expect(byId.get(HANGING)!.checks.find((c) => c.id === 'wordpress.reachable')!.detail).to.match(/did not answer in time|time limit/)
    // Odd sites hold no structure: structure.stored fails, the rest of their chain is checked.
    expect(byId.get(3)!.checks.find((c) => c.id === 'structure.stored')!.status).to.equal('fail')
    for (const id of [2, 4, 10, 20]) expect(byId.get(id)!.ok, `site ${id}: ${JSON.stringify(byId.get(id))}`).to.equal(true)
    // Bounded: the hanging site costs one --site-timeout, not the default 30 s per request and its retries.
    expect(wall, `wall ${wall} ms`).to.be.below(60_000)

    const suites = parseXml(fs.readFileSync(junit, 'utf8'))
    expect(suites.name).to.equal('testsuites')
    expect(fs.readFileSync(html, 'utf8')).to.match(/<\/html>\s*$/).and.include('structure.stored')
    const prom = fs.readFileSync(metrics, 'utf8')
    expect(prom).to.include(`igny8_site_ok{profile="default",site_id="${DEAD}"`)
    expect(prom).to.match(/^igny8_structure_age_seconds\{profile="default",site_id="2",integration_id="\d+"\} \d+$/m)
    const promtool = spawnSync('promtool', ['check', 'metrics'], {input: prom, encoding: 'utf8'})
    if (promtool.error === undefined) expect(promtool.status, promtool.stdout + promtool.stderr).to.equal(0)
  })

  it('human output: only sites that need attention, within 80 columns, causes grouped, a verdict naming a few ids', async () => {
    const run = await check([])
    expect(run.code, run.stderr).to.equal(1)
    const lines = run.stdout.split('\n')
    const table = lines.filter((line) => /^[┌│├└]/.test(line))
    expect(table.length).to.be.above(3)
    expect(table.filter((line) => line.length > 80), 'table lines wider than 80 columns').to.deep.equal([])
    expect(run.stdout).to.match(/\d+ passing sites not listed \(--all-rows lists every site\)/)
    expect(run.stdout).to.match(/^Causes: structure\.stored ×\d+ · .*wordpress\.reachable ×2/m)
    const verdict = [...lines].reverse().find((line) => line.includes('FAILED'))!
    expect(verdict).to.match(/of 100 sites failed: \d+, \d+, \d+ and \d+ more/)
    expect(lines.length, 'a readable report, not one block per site').to.be.below(120)

    const all = await check(['--all-rows'])
    expect(all.stdout.split('\n').filter((line) => /^│\s+\d+ │/.test(line))).to.have.length(SITES)
  })

  it('a hint names the exact command for the site it is about', async () => {
    const run = await check(['--json'])
    const site = run.json().sites.find((s: {siteId: number}) => s.siteId === 3)
    expect(site.checks.find((c: {id: string}) => c.id === 'structure.stored').hint).to.include('igny8 structure push --site 3')
  })

  it('--site checks one site of the login, its integration and WordPress URL from the backend; env-only CI needs no --wp-url', async () => {
    const site = sb.credentials.sites[2]!
    const run = await runCli(['integration', 'check', '--site', String(site.id), '--json'], {configDir})
    expect(run.code, run.stderr).to.equal(1)
    const report = run.json()
    expect(report.integrationId).to.equal(site.integrationId)
    const stored = report.checks.find((c: {id: string}) => c.id === 'structure.stored')
    expect(stored.status).to.equal('fail')
    expect(stored.hint).to.include(`igny8 structure push --site ${site.id}`)
    expect(report.checks.find((c: {id: string}) => c.id === 'wordpress.reachable').status).to.equal('pass')

    // A CI job configured by the environment alone: API URL, the site's API key and its integration id.
    const ci = await runCli(['integration', 'check', '--json'], {
      env: {IGNY8_API_URL: sb.apiUrl, IGNY8_API_KEY: sb.credentials.sites[1]!.apiKey, IGNY8_INTEGRATION_ID: String(sb.credentials.sites[1]!.integrationId)},
    })
    expect(ci.code, ci.stdout + ci.stderr).to.equal(0)
    expect(ci.json().checks.find((c: {id: string}) => c.id === 'config').detail).to.include('integration')
  })

  it('reports go to stdout with -, and only one of them may', async () => {
    const metrics = await check(['--metrics', '-'])
    expect(metrics.code, metrics.stderr).to.equal(1)
    expect(metrics.stdout).to.match(/^# HELP igny8_/).and.include('igny8_run_ok')
    expect(metrics.stderr).to.include('Causes:')
    const both = await check(['--metrics', '-', '--json'])
    expect(both.code).to.equal(2)
    expect(both.stdout).to.include('Only one of --json')
  })

  it('Ctrl-C mid-fleet: exit 130, and the reports hold the sites done so far as complete documents', async () => {
    const junit = path.join(work, 'partial.xml')
    const html = path.join(work, 'partial.html')
    const metrics = path.join(work, 'partial.prom')
    await clearRequests(sb)
    const run = await check(['--concurrency', '2', '--junit', junit, '--html', html, '--metrics', metrics], async (child) => {
      // Once a few sites are done (the sandbox has seen their integration lookups), interrupt.
      await waitFor('sites checked', async () => (await fetch(`${sb.url}/__sandbox/requests?path=content-types`).then((r) => r.json()) as {data: {requests: unknown[]}}).data.requests.length >= 6)
      child.kill('SIGINT')
    })
    expect(run.code, run.stderr).to.equal(130)
    expect(run.stderr).to.include('Interrupted.')
    const suites = parseXml(fs.readFileSync(junit, 'utf8'))
    const siteSuites = suites.children.filter((suite) => suite.attributes.name?.startsWith('site '))
    expect(siteSuites.length).to.be.within(1, SITES - 1)
    expect(fs.readFileSync(html, 'utf8')).to.match(/<\/html>\s*$/).and.match(/Interrupted after \d+ of 100 sites/)
    const prom = fs.readFileSync(metrics, 'utf8')
    expect(prom).to.include('igny8_run_ok{profile="default",shard=""} 0')
    const promtool = spawnSync('promtool', ['check', 'metrics'], {input: prom, encoding: 'utf8'})
    if (promtool.error === undefined) expect(promtool.status, promtool.stdout + promtool.stderr).to.equal(0)
  })
})
