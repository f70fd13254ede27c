/**
 * `igny8 integration check` as a real process (built dist) against the project's real WordPress
 * (scripts/wordpress.sh) and the sandbox backend: a fresh sync passes, new posts are drift, an old push
 * is stale, REST switched off and a stopped backend each fail their own link and skip what depends on
 * it, --round-trip, WordPress credentials, JUnit, and --all-sites split into shards.
 * WordPress counts only grow (add-posts), so every test pushes first.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import type {SiteReport} from '../../src/lib/checks/integration-check.js'
import type {CheckResult} from '../../src/lib/checks/runner.js'
import type {Sandbox} from '../../src/lib/sandbox/index.js'

import {allOutputs, type CliRun, ROOT, runCli, tempConfigDir} from '../helpers/cli.js'
import {patchIntegration, startTestSandbox} from '../helpers/sandbox.js'
import {addPosts, ensureWordPress, withRestMode, type WordPressEnv} from '../helpers/wordpress.js'
import {findAll, parseXml} from '../helpers/xml.js'

type CheckJson = CheckResult
type SiteJson = SiteReport

const byId = (checks: CheckJson[], id: string): CheckJson => {
  const found = checks.find((c) => c.id === id)
  if (!found) throw new Error(`no check ${id} in ${checks.map((c) => c.id).join(', ')}`)
  return found
}

const statusOf = (checks: CheckJson[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]))

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
  })
  return port
}

/** xmllint, when installed (Debian: libxml2-utils), as a second opinion on well-formedness. */
function xmllint(file: string): void {
  if (spawnSync('xmllint', ['--version']).error) return
  const run = spawnSync('xmllint', ['--noout', file], {encoding: 'utf8'})
  expect(run.status, run.stderr).to.equal(0)
}

describe('e2e: integration check against a real WordPress and the sandbox', function () {
  this.timeout(180_000)
  let wp: WordPressEnv
  let sb: Sandbox
  let configDir: string

  before(async function () {
    this.timeout(900_000)
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'integration', 'check.js'))) throw new Error('dist is missing: run `npm run build` first')
    wp = await ensureWordPress()
    sb = await startTestSandbox({sites: 3, wpUrls: [wp.WP_URL]})
  })

  after(async () => {
    await sb?.close()
  })

  beforeEach(async () => {
    configDir = tempConfigDir()
    const connect = await runCli(['connect', '--email', sb.credentials.email, '--password-stdin', '--site', String(sb.credentials.sites[0]!.id)], {
      env: {IGNY8_API_URL: sb.apiUrl},
      configDir,
      input: sb.credentials.password,
    })
    expect(connect.code, connect.stderr).to.equal(0)
  })

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, {configDir, env})
  const integrationId = () => sb.credentials.sites[0]!.integrationId!

  async function push(integration = integrationId()): Promise<void> {
    const run = await cli(['structure', 'push', '--source', 'rest', '--integration', String(integration)])
    expect(run.code, run.stderr).to.equal(0)
  }

  async function check(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliRun & {result: {ok: boolean; checks: CheckJson[]; summary: Record<string, number>; [k: string]: unknown}}> {
    const run = await cli(['integration', 'check', '--source', 'rest', '--json', ...args], env)
    return Object.assign(run, {result: run.json()})
  }

  it('passes on a fresh sync: every check passes (WordPress credentials skipped: none configured), exit 0', async () => {
    await push()
    const started = Date.now()
    const run = await check()
    const wall = Date.now() - started
    expect(run.code, run.stdout + run.stderr).to.equal(0)
    expect(run.result).to.deep.include({ok: true, profile: 'default', integrationId: integrationId()})
    expect(run.result.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}`)).to.deep.equal(['wordpress.auth:skip'])
    expect(byId(run.result.checks, 'backend.auth').detail).to.match(/^the session of demo@igny8\.local was accepted: the access token is valid for another \d+ min; it sees 3 sites$/)
    expect(byId(run.result.checks, 'wordpress.rest').detail).to.equal(`REST root ${wp.WP_URL}/wp-json/ (found via the Link header) answers JSON with ${byId(run.result.checks, 'wordpress.rest').detail.match(/with (\d+) namespaces/)![1]} namespaces; the IGNY8 plugin is not installed`)
    expect(byId(run.result.checks, 'structure.drift').detail).to.equal('WordPress matches the stored structure')
    console.log(`      (full check: ${wall} ms wall, ${run.result.durationMs as number} ms inside)`)

    const human = await cli(['check-integration', '--source', 'rest'])
    expect(human.code).to.equal(0)
    expect(human.stdout).to.match(/^✓ wordpress\.structure {2}3 post types and 3 taxonomies\. Read from core REST at .* \(\d+ ms\)$/m)
    expect(human.stdout.trimEnd().split('\n').at(-1)).to.match(/^✓ OK: every required check passed \(11 passed, 0 warned, 0 failed, 1 skipped in \d+\.\d\d s\)\.$/)
  })

  it('after new posts in WordPress, structure.drift warns naming the slug and both counts; exit 0, and 1 under --strict', async () => {
    await push()
    const total = await addPosts(2)
    const run = await check()
    expect(run.code, run.stdout).to.equal(0)
    expect(byId(run.result.checks, 'structure.drift')).to.deep.include({
      status: 'warn',
      required: false,
      detail: `WordPress differs from the stored structure: post type post: count ${total - 2} → ${total} (+2)`,
    })
    expect(byId(run.result.checks, 'structure.drift').hint).to.include('igny8 structure push')

    const tolerant = await check(['--drift-tolerance', '2'])
    expect(byId(tolerant.result.checks, 'structure.drift').status).to.equal('pass')

    const strict = await check(['--strict'])
    expect(strict.code).to.equal(1)
    expect(strict.result.ok).to.equal(false)
  })

  it('a structure pushed 50 h ago fails structure.fresh and exits 1 (the report still printed); --max-age 3d accepts it', async () => {
    await push()
    await patchIntegration(sb, integrationId(), {last_structure_fetch: new Date(Date.now() - 50 * 3600 * 1000).toISOString()})
    const run = await check()
    expect(run.code).to.equal(1)
    expect(run.result.ok).to.equal(false)
    const fresh = byId(run.result.checks, 'structure.fresh')
    expect(fresh).to.deep.include({status: 'fail', required: true})
    expect(fresh.detail).to.match(/^last pushed .*, 2 days ago: older than the maximum age of 26 h$/)
    expect(fresh.hint).to.include('WP-cron')

    const human = await cli(['integration', 'check', '--source', 'rest'])
    expect(human.code).to.equal(1)
    expect(human.stdout).to.match(/^✗ structure\.fresh {2,}last pushed/m)
    expect(human.stdout.trimEnd().split('\n').at(-1)).to.match(/^✗ FAILED: required check failed: structure\.fresh /)

    expect((await check(['--max-age', '3d'])).code).to.equal(0)
  })

  it('WordPress REST switched off fails wordpress.rest and skips what depends on it; the backend chain still runs', async () => {
    await push()
    const run = await withRestMode('off', () => check())
    expect(run.code).to.equal(1)
    const {checks} = run.result
    expect(statusOf(checks)).to.deep.include({
      'wordpress.reachable': 'pass',
      'wordpress.rest': 'fail',
      'wordpress.auth': 'skip',
      'wordpress.structure': 'skip',
      'structure.drift': 'skip',
      'backend.auth': 'pass',
      'structure.fresh': 'pass',
    })
    expect(byId(checks, 'wordpress.rest').detail).to.match(/runs WordPress .* but its REST API does not answer JSON/)
    for (const id of ['wordpress.auth', 'wordpress.structure', 'structure.drift']) expect(byId(checks, id).detail).to.equal('skipped: wordpress.rest failed')
  })

  it('a stopped backend (a closed port) fails backend.reachable and skips the rest of the backend chain', async () => {
    const port = await closedPort()
    const run = await check([], {IGNY8_API_URL: `http://127.0.0.1:${port}/api/v1`, IGNY8_HTTP_RETRIES: '1'})
    expect(run.code).to.equal(1)
    const {checks} = run.result
    expect(byId(checks, 'backend.reachable')).to.deep.include({status: 'fail', detail: `IGNY8 backend unreachable: connection refused by 127.0.0.1:${port}.`})
    for (const id of ['backend.auth', 'integration.found', 'integration.active', 'structure.stored', 'structure.fresh', 'structure.drift']) {
      expect(byId(checks, id), id).to.deep.include({status: 'skip', detail: 'skipped: backend.reachable failed'})
    }

    expect(statusOf(checks)).to.deep.include({'wordpress.reachable': 'pass', 'wordpress.rest': 'pass', 'wordpress.structure': 'pass'})
    expect(run.result.warnings).to.deep.equal([`IGNY8_API_URL overrides the API URL stored in the profile (${sb.apiUrl}).`])
  })

  it('--round-trip pushes, reads back and passes; --junit writes well-formed XML with one test case per check', async () => {
    await push()
    const junit = path.join(configDir, 'reports', 'check.xml')
    fs.mkdirSync(path.dirname(junit))
    const run = await check(['--round-trip', '--junit', junit])
    expect(run.code, run.stdout).to.equal(0)
    expect(byId(run.result.checks, 'roundtrip')).to.deep.include({status: 'pass', required: true})
    expect(byId(run.result.checks, 'roundtrip').detail).to.match(/^pushed 3 post types and 3 taxonomies to integration \d+; read back, every field of every slug matches/)
    expect(fs.readdirSync(path.dirname(junit))).to.deep.equal(['check.xml'])
    const xml = fs.readFileSync(junit, 'utf8')
    xmllint(junit)
    const root = parseXml(xml)
    const suites = findAll(root, 'testsuite')
    expect(suites).to.have.length(1)
    const cases = findAll(suites[0]!, 'testcase')
    expect(cases.map((c) => c.attributes.name!.split(':')[0])).to.deep.equal(run.result.checks.map((c) => c.id))
    expect(root.attributes).to.deep.include({tests: String(run.result.checks.length), failures: '0', skipped: '1'})
  })

  it('with an application password, wordpress.auth verifies it; a wrong one fails it and skips the gather', async () => {
    await push()
    const good = await check([], {IGNY8_WP_USER: wp.WP_ADMIN_USER, IGNY8_WP_APP_PASSWORD: wp.WP_APP_PASSWORD})
    expect(good.code, good.stdout).to.equal(0)
    expect(byId(good.result.checks, 'wordpress.auth')).to.deep.include({status: 'pass'})
    expect(byId(good.result.checks, 'wordpress.auth').detail).to.match(new RegExp(`^the application password of "${wp.WP_ADMIN_USER}" was accepted \\(WordPress user \\d+`))

    const bad = await check([], {IGNY8_WP_USER: wp.WP_ADMIN_USER, IGNY8_WP_APP_PASSWORD: 'abcd efgh ijkl mnop qrst uvwx'})
    expect(bad.code).to.equal(1)
    expect(byId(bad.result.checks, 'wordpress.auth')).to.deep.include({status: 'fail'})
    expect(byId(bad.result.checks, 'wordpress.auth').detail).to.include(`WordPress rejected the credentials of user "${wp.WP_ADMIN_USER}"`)
    expect(byId(bad.result.checks, 'wordpress.structure').detail).to.equal('skipped: wordpress.auth failed')
    expect(bad.stdout + bad.stderr).to.not.include('abcd efgh')
  })

  it('--all-sites over 3 sites: --shard 1/2 and 2/2 together check every site exactly once, each with its own integration', async () => {
    for (const site of sb.credentials.sites) {
      // eslint-disable-next-line no-await-in-loop -- one `structure push` process at a time: each gathers from the shared WordPress lab
      await push(site.integrationId!)
    }

    const shards: SiteJson[][] = []
    for (const shard of ['1/2', '2/2']) {
      const junit = path.join(configDir, `shard-${shard.replace('/', '-')}.xml`)
      // eslint-disable-next-line no-await-in-loop -- one `integration check` process at a time: the shards are separate runs, each reading the shared WordPress lab
      const run = await check(['--all-sites', '--shard', shard, '--junit', junit])
      expect(run.code, run.stdout).to.equal(0)
      expect(run.result.checks.map((c) => c.id)).to.deep.equal(['config', 'backend.reachable', 'backend.auth'])
      const sites = run.result.sites as SiteJson[]
      shards.push(sites)
      for (const site of sites) {
        expect(site.ok, JSON.stringify(site.checks)).to.equal(true)
        expect(site.integrationId).to.equal(sb.credentials.sites.find((s) => s.id === site.siteId)!.integrationId)
        expect(byId(site.checks, 'integration.found').detail).to.include(`WordPress ${wp.WP_URL}`)
      }

      const suites = findAll(parseXml(fs.readFileSync(junit, 'utf8')), 'testsuite')
      expect(suites.map((s) => s.attributes.name)).to.deep.equal(['backend (profile default)', ...sites.map((s) => `site ${s.siteId} ${s.siteName}`)])
    }

    const ids = shards.map((sites) => sites.map((s) => s.siteId))
    const all = sb.credentials.sites.map((s) => s.id).sort((a, b) => a - b)
    expect(ids).to.deep.equal([all.filter((_id, i) => i % 2 === 0), all.filter((_id, i) => i % 2 === 1)])
    expect(ids.flat().sort((a, b) => a - b)).to.deep.equal(all)

    const started = Date.now()
    const whole = await cli(['integration', 'check', '--source', 'rest', '--all-sites'])
    const wall = Date.now() - started
    expect(whole.code, whole.stdout).to.equal(0)
    expect(whole.stdout).to.include('Integration check of 3 sites')
    expect(whole.stdout.trimEnd().split('\n').at(-1)).to.match(/^✓ OK: all 3 sites pass every required check/)
    console.log(`      (--all-sites over 3 sites: ${wall} ms wall)`)
  })

  it('never prints a secret', () => {
    const secrets = [sb.credentials.password, ...sb.credentials.sites.map((s) => s.apiKey), wp.WP_APP_PASSWORD, wp.WP_APP_PASSWORD.replaceAll(' ', '')]
    for (const output of allOutputs) for (const secret of secrets) expect(output).to.not.include(secret)
  })
})
