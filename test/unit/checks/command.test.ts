/**
 * `integration check` in-process, every host mocked with nock: the verdict of each check, exit codes,
 * the JSON result, the JUnit file, --all-sites with shards, and usage errors that send nothing.
 */
import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'
import fs from 'node:fs'
import path from 'node:path'

import type {CheckResult} from '../../../src/lib/checks/runner.js'

import {setStdoutTTY} from '../../helpers/tty.js'
import {findAll, parseXml} from '../../helpers/xml.js'
import {EXPECTED_POST_TYPES, EXPECTED_TAXONOMIES, fakeSite, SITE} from '../wordpress/fake-site.js'

const HOST = 'https://api.igny8.test'
const API = `${HOST}/api/v1`
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000).toISOString()

type CheckJson = CheckResult

const statuses = (checks: CheckJson[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]))
const byId = (checks: CheckJson[], id: string) => checks.find((c) => c.id === id)!

function integration(id: number, site: number, extra: Record<string, unknown> = {}) {
  return {id, site, platform: 'wordpress', is_active: true, sync_enabled: true, sync_status: 'completed', sync_error: null, external_site_url: SITE, ...extra}
}

const storedStructure = (extra: Record<string, unknown> = {}) => ({
  post_types: EXPECTED_POST_TYPES,
  taxonomies: EXPECTED_TAXONOMIES,
  plugin_connection_enabled: true,
  two_way_sync_enabled: false,
  last_structure_fetch: hoursAgo(1),
  ...extra,
})

/** The probe (anonymous 401), the sites list, the integration, its sync status and content types. */
function backend(options: {integration?: Record<string, unknown>; syncStatus?: Record<string, unknown> | 404; contentTypes?: Record<string, unknown>} = {}): void {
  nock(HOST).get('/api/v1/auth/sites/').reply(401, {success: false, error: 'Authentication credentials were not provided.'})
  nock(HOST).get('/api/v1/auth/sites/').reply(200, {success: true, count: 1, next: null, results: [{id: 5, name: 'Shop'}]})
  nock(HOST).get('/api/v1/integration/integrations/7/').reply(200, {success: true, data: integration(7, 5, options.integration)})
  const status = options.syncStatus ?? {sync_status: 'completed', sync_enabled: true, last_sync_at: hoursAgo(2), sync_error: null}
  nock(HOST)
    .get('/api/v1/integration/integrations/7/sync_status/')
    .reply(status === 404 ? 404 : 200, status === 404 ? {success: false, error: 'Not found.'} : {success: true, data: status})
  nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: options.contentTypes ?? storedStructure()})
}

/**
 * A healthy WordPress, each answer given once per site: the home page and the REST index are shared by
 * wordpress.reachable, wordpress.rest and the gather (a second read is an unmatched request).
 */
function wordpress(sites = 1): void {
  for (let i = 0; i < sites; i++) fakeSite()
}

function unreachableWordPress(): void {
  nock(SITE).get('/').replyWithError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}))
}

/** --all-sites: one site's integration (none when `integrationId` is null), its sync status and content types. */
function siteBackend(siteId: number, integrationId: number | null): void {
  nock(HOST)
    .get('/api/v1/integration/integrations/')
    .query({site: String(siteId), site_id: String(siteId), platform: 'wordpress'})
    .reply(200, {success: true, count: 1, next: null, results: integrationId === null ? [] : [integration(integrationId, siteId)]})
  if (integrationId === null) return
  nock(HOST).get(`/api/v1/integration/integrations/${integrationId}/sync_status/`).reply(200, {success: true, data: {sync_status: 'completed', sync_enabled: true}})
  nock(HOST).get(`/api/v1/integration/integrations/${integrationId}/content-types/`).reply(200, {success: true, data: storedStructure()})
}

async function check(args: string[] = []) {
  const run = await runCommand(['integration', 'check', '--json', ...args])
  const exit = run.error?.oclif?.exit ?? 0
  return {...run, exit, json: JSON.parse(run.stdout) as {ok: boolean; checks: CheckJson[]; summary: Record<string, number>; [key: string]: unknown}}
}

function jwt(expiresInSeconds: number, tag: string): string {
  const header = Buffer.from('{"alg":"HS256"}').toString('base64url')
  const payload = Buffer.from(JSON.stringify({exp: Math.floor(Date.now() / 1000) + expiresInSeconds, tag})).toString('base64url')
  return `${header}.${payload}.c2lnbmF0dXJl`
}

describe('integration check (nock)', () => {
  beforeEach(() => {
    process.env.IGNY8_API_URL = API
    process.env.IGNY8_API_KEY = 'igny8_unit_key'
    process.env.IGNY8_INTEGRATION_ID = '7'
    process.env.IGNY8_WP_URL = SITE
  })

  it('a healthy chain: every check passes, WordPress credentials are skipped as not configured, exit 0; JUnit has one case per check', async () => {
    backend()
    wordpress()
    const junit = path.join(process.env.IGNY8_CONFIG_DIR!, 'report.xml')
    const {exit, json, stderr} = await check(['--junit', junit])
    expect(exit, stderr).to.equal(0)
    expect(Object.keys(json)).to.include.members(['ok', 'profile', 'integrationId', 'checks', 'summary'])
    expect(json).to.deep.include({ok: true, profile: 'default', integrationId: 7})
    expect(json.checks.map((c) => c.id)).to.deep.equal([
      'config',
      'backend.reachable',
      'backend.auth',
      'integration.found',
      'integration.active',
      'structure.stored',
      'structure.fresh',
      'wordpress.reachable',
      'wordpress.rest',
      'wordpress.auth',
      'wordpress.structure',
      'structure.drift',
    ])
    expect(json.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}:${c.status}`)).to.deep.equal(['wordpress.auth:skip'])
    expect(json.summary).to.deep.equal({pass: 11, warn: 0, fail: 0, skip: 1})
    expect(byId(json.checks, 'structure.drift')).to.deep.include({required: false, detail: 'WordPress matches the stored structure'})
    expect(byId(json.checks, 'backend.auth').detail).to.equal('the site API key was accepted (Authorization: Bearer); it sees 1 site')
    expect(byId(json.checks, 'integration.found').detail).to.equal(`integration 7 (wordpress) of site 5 "Shop", WordPress ${SITE}`)
    expect(byId(json.checks, 'wordpress.rest').detail).to.equal(`REST root ${SITE}/wp-json/ (found via the Link header) answers JSON with 4 namespaces; the IGNY8 plugin is not installed`)
    expect(byId(json.checks, 'integration.active').detail).to.match(/^active, sync enabled, sync status completed \(last sync .*\)$/)
    const cases = findAll(parseXml(fs.readFileSync(junit, 'utf8')), 'testcase')
    expect(cases.map((c) => c.attributes.name!.split(':')[0])).to.deep.equal(json.checks.map((c) => c.id))
  })

  it('human output: one line per check with its duration, the hints, then the verdict', async () => {
    backend({contentTypes: storedStructure({last_structure_fetch: hoursAgo(30)})})
    wordpress()
    const {stdout, error} = await runCommand(['integration', 'check'])
    expect(error?.oclif?.exit).to.equal(1)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).to.equal('Integration check · profile default · integration 7')
    expect(stdout).to.match(/^✓ config {15}profile "default", site API key from the environment, .* \(\d+ ms\)$/m)
    expect(stdout).to.match(/^✗ structure\.fresh {6}last pushed .*, 30 h ago: older than the maximum age of 26 h \(\d+ ms\)$/m)
    expect(stdout).to.match(/^- wordpress\.auth {7}no WordPress credentials are configured/m)
    expect(stdout).to.include('What to do:\n  ✗ structure.fresh: The IGNY8 plugin pushes daily from WP-cron')
    expect(lines.at(-1)).to.match(/^✗ FAILED: required check failed: structure\.fresh \(10 passed, 0 warned, 1 failed, 1 skipped in \d+\.\d\d s\)\.$/)
    // eslint-disable-next-line no-control-regex -- matches terminal colour codes
    expect(stdout).to.not.match(/\u001B\[/)
  })

  it('drift names the exact slugs and counts and only warns (exit 0); --strict makes it fail; --drift-tolerance lets counts through', async () => {
    const stored = storedStructure({
      post_types: {...EXPECTED_POST_TYPES, post: {...EXPECTED_POST_TYPES.post, count: 120}},
      taxonomies: {...EXPECTED_TAXONOMIES, genre: {label: 'Genres', count: 4, enabled: false, fetch_limit: 50}},
    })
    backend({contentTypes: stored})
    wordpress()
    const plain = await check()
    expect(plain.exit).to.equal(0)
    expect(byId(plain.json.checks, 'structure.drift')).to.deep.include({
      status: 'warn',
      required: false,
      detail: 'WordPress differs from the stored structure: post type post: count 120 → 123 (+3); taxonomy genre is gone from WordPress',
    })

    backend({contentTypes: stored})
    wordpress()
    const strict = await check(['--strict'])
    expect(strict.exit).to.equal(1)
    expect(strict.json.ok).to.equal(false)

    backend({contentTypes: stored})
    wordpress()
    const tolerant = await check(['--drift-tolerance', '3'])
    expect(byId(tolerant.json.checks, 'structure.drift').detail).to.equal(
      'WordPress differs from the stored structure: taxonomy genre is gone from WordPress; within the tolerance of 3: post type post: count 120 → 123 (+3)',
    )
  })

  it('an inactive integration fails; a failed last sync or disabled sync warns with the backend\'s error', async () => {
    backend({integration: {is_active: false}})
    unreachableWordPress()
    const inactive = await check()
    expect(byId(inactive.json.checks, 'integration.active')).to.deep.include({status: 'fail', detail: 'integration 7 is inactive (is_active false): nothing syncs'})
    nock.cleanAll()

    backend({syncStatus: {sync_status: 'error', sync_error: 'WordPress answered 500 to /wp-json/igny8/v1/publish', sync_enabled: false}})
    unreachableWordPress()
    const erroring = await check()
    const active = byId(erroring.json.checks, 'integration.active')
    expect(active.status).to.equal('warn')
    expect(active.detail).to.equal('active, sync disabled, sync status error; the last sync failed: WordPress answered 500 to /wp-json/igny8/v1/publish')

    backend({syncStatus: 404, integration: {sync_status: 'completed'}})
    unreachableWordPress()
    const noEndpoint = await check()
    expect(byId(noEndpoint.json.checks, 'integration.active')).to.deep.include({
      status: 'pass',
      detail: 'active, sync enabled, sync status completed, the backend offers no sync_status; read from the integration',
    })
  })

  it('nothing stored fails structure.stored and skips freshness and drift, naming the cause', async () => {
    backend({contentTypes: {post_types: {}, taxonomies: {}}})
    wordpress()
    const {exit, json} = await check()
    expect(exit).to.equal(1)
    expect(statuses(json.checks)).to.deep.include({'structure.stored': 'fail', 'structure.fresh': 'skip', 'structure.drift': 'skip', 'wordpress.structure': 'pass'})
    expect(byId(json.checks, 'structure.drift').detail).to.equal('skipped: structure.stored failed')
    expect(byId(json.checks, 'structure.stored').hint).to.include('igny8 structure push')
  })

  it('not connected: config fails, everything else is skipped (no request), exit 1 with the report', async () => {
    delete process.env.IGNY8_API_KEY
    const {exit, json} = await check()
    expect(exit).to.equal(1)
    expect(byId(json.checks, 'config')).to.deep.include({status: 'fail', detail: 'Not connected: there is no profile "default".'})
    expect(json.checks.slice(1).every((c) => c.status === 'skip' && c.detail === 'skipped: config failed')).to.equal(true)
    expect(json.summary).to.deep.equal({pass: 0, warn: 0, fail: 1, skip: 11})
  })

  it('with IGNY8_EMAIL/IGNY8_PASSWORD the login is timed as backend.auth, after the probe', async () => {
    delete process.env.IGNY8_API_KEY
    process.env.IGNY8_EMAIL = 'ops@example.com'
    process.env.IGNY8_PASSWORD = 'hunter2-secret'
    nock(HOST).get('/api/v1/auth/sites/').times(4).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}))
    unreachableWordPress()
    const {json} = await check()
    expect(statuses(json.checks)).to.deep.include({config: 'pass', 'backend.reachable': 'fail', 'backend.auth': 'skip'})
    expect(byId(json.checks, 'backend.reachable').detail).to.equal('IGNY8 backend unreachable: connection refused by api.igny8.test.')
  })

  it('says when a stored session was refreshed on the way (and saves the new token)', async () => {
    delete process.env.IGNY8_API_KEY
    const expired = jwt(-60, 'old')
    const refresh = jwt(86_400, 'refresh')
    const fresh = jwt(900, 'new')
    fs.writeFileSync(
      path.join(process.env.IGNY8_CONFIG_DIR!, 'config.json'),
      JSON.stringify({
        profiles: {
          default: {
            apiUrl: API,
            authMethod: 'jwt',
            user: {id: 1, email: 'ops@example.com'},
            integrationId: 7,
            wordpressUrl: SITE,
            secrets: {accessToken: expired, refreshToken: refresh, accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString()},
          },
        },
      }),
      {mode: 0o600},
    )
    nock(HOST).post('/api/v1/auth/refresh/', {refresh}).reply(200, {success: true, data: {access: fresh, refresh}})
    backend()
    unreachableWordPress()
    const {json} = await check()
    expect(byId(json.checks, 'backend.auth').detail).to.equal(
      'the session of ops@example.com was accepted: the access token had expired and was refreshed (the new one is saved in the profile); it sees 1 site',
    )
    const saved = JSON.parse(fs.readFileSync(path.join(process.env.IGNY8_CONFIG_DIR!, 'config.json'), 'utf8'))
    expect(saved.profiles.default.secrets.accessToken).to.equal(fresh)
  })

  it('--round-trip pushes the live structure and compares every field read back; a backend that drops a slug fails it', async () => {
    const pushed: unknown[] = []
    backend()
    wordpress()
    nock(HOST)
      .post('/api/v1/integration/integrations/7/update-structure/', (body) => {
        pushed.push(body)
        return true
      })
      .reply(200, {success: true, data: {message: 'Site structure updated successfully', post_types_count: 3, taxonomies_count: 3, last_structure_fetch: hoursAgo(0)}})
    nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: storedStructure()})
    const good = await check(['--round-trip'])
    expect(good.exit).to.equal(0)
    expect(byId(good.json.checks, 'roundtrip')).to.deep.include({status: 'pass', required: true})
    expect(byId(good.json.checks, 'roundtrip').detail).to.match(/^pushed 3 post types and 3 taxonomies to integration 7; read back, every field of every slug matches/)
    expect(pushed).to.have.length(1)

    backend()
    wordpress()
    nock(HOST)
      .post('/api/v1/integration/integrations/7/update-structure/')
      .reply(200, {success: true, data: {post_types_count: 3, taxonomies_count: 3}})
    const {product: _product, ...twoTypes} = EXPECTED_POST_TYPES
    nock(HOST)
      .get('/api/v1/integration/integrations/7/content-types/')
      .reply(200, {success: true, data: storedStructure({post_types: {...twoTypes, page: {...EXPECTED_POST_TYPES.page, fetch_limit: 10}}})})
    const bad = await check(['--round-trip'])
    expect(bad.exit).to.equal(1)
    expect(byId(bad.json.checks, 'roundtrip').detail).to.equal(
      'pushed to integration 7, but what reads back differs: post type page: fetch_limit stored 10, pushed 100; post type product was pushed but is not stored',
    )
  })

  it('--round-trip runs after the stored-structure checks even when they fail (a push is what fixes them)', async () => {
    backend({contentTypes: storedStructure({last_structure_fetch: hoursAgo(40)})})
    wordpress()
    nock(HOST)
      .post('/api/v1/integration/integrations/7/update-structure/')
      .reply(200, {success: true, data: {post_types_count: 3, taxonomies_count: 3, last_structure_fetch: hoursAgo(0)}})
    nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: storedStructure()})
    const {exit, json} = await check(['--round-trip'])
    expect(exit).to.equal(1)
    expect(statuses(json.checks)).to.deep.include({'structure.fresh': 'fail', 'structure.drift': 'pass', roundtrip: 'pass'})
  })

  it('usage errors exit 2 before anything is sent', async () => {
    for (const args of [['--shard', '1/2'], ['--all-sites', '--shard', '3/2'], ['--max-age', 'soon'], ['--drift-tolerance', '5 items'], ['--concurrency', '2'], ['--all-sites', '--integration', '7'], ['--fetch-limit', 'post=none']]) {
      // eslint-disable-next-line no-await-in-loop -- runCommand runs in this process and captures its stdout/stderr: two at once would mix their output
      const {error} = await runCommand(['integration', 'check', ...args])
      expect(error?.oclif?.exit, args.join(' ')).to.equal(2)
    }
  })

  describe('--all-sites', () => {
    const sites = [
      {id: 3, name: 'Gamma'},
      {id: 1, name: 'Alpha'},
      {id: 2, name: 'Beta'},
    ]

    function fleetBackend(): void {
      nock(HOST).get('/api/v1/auth/sites/').reply(401, {success: false})
      nock(HOST).get('/api/v1/auth/sites/').reply(200, {success: true, count: 3, next: null, results: sites})
    }

    it('--shard 1/2 checks the sites at index 0 and 2 by id, each with its own integration; the backend is checked once', async () => {
      fleetBackend()
      siteBackend(1, 101)
      siteBackend(3, 103)
      wordpress(2)
      const {exit, json} = await check(['--all-sites', '--shard', '1/2'])
      expect(exit).to.equal(0)
      expect(json.ok).to.equal(true)
      expect(json.checks.map((c) => c.id)).to.deep.equal(['config', 'backend.reachable', 'backend.auth'])
      expect(json.shard).to.deep.equal({index: 1, count: 2, fleetSites: 3})
      const reported = json.sites as Array<{siteId: number; siteName: string; integrationId: number; ok: boolean; checks: CheckJson[]}>
      expect(reported.map((s) => [s.siteId, s.siteName, s.integrationId, s.ok])).to.deep.equal([
        [1, 'Alpha', 101, true],
        [3, 'Gamma', 103, true],
      ])
      expect(reported[0]!.checks.map((c) => c.id)[0]).to.equal('integration.found')
      expect(json.summary).to.deep.equal({pass: 3 + 2 * 8, warn: 0, fail: 0, skip: 2})
    })

    it('--shard 2/2: a site without a WordPress integration fails integration.found and skips the rest; exit 1', async () => {
      fleetBackend()
      siteBackend(2, null)
      const {exit, json, stdout} = await check(['--all-sites', '--shard', '2/2'])
      expect(exit).to.equal(1)
      const [site] = json.sites as Array<{siteId: number; ok: boolean; integrationId: number | null; checks: CheckJson[]}>
      expect(site).to.deep.include({siteId: 2, ok: false, integrationId: null})
      expect(byId(site!.checks, 'integration.found')).to.deep.include({status: 'fail', detail: 'Site 2 "Beta" has no WordPress integration.'})
      expect(site!.checks.filter((c) => c.id !== 'integration.found').every((c) => c.status === 'skip')).to.equal(true)
      expect(stdout).to.not.include('Gamma')
    })

    it('human output: the shared checks, a table of the sites, the problems of each failing site, the verdict', async () => {
      fleetBackend()
      siteBackend(1, 101)
      siteBackend(2, null)
      siteBackend(3, 103)
      wordpress(2)
      const {stdout, error} = await runCommand(['integration', 'check', '--all-sites', '--concurrency', '2'])
      expect(error?.oclif?.exit).to.equal(1)
      expect(stdout).to.include('Integration check of 3 sites · profile default')
      expect(stdout).to.match(/│\s+2 │ Beta\s+│ FAIL\s+│ ✗ integration\.found\s+│/)
      // Passing sites are counted, not listed (--all-rows lists them).
      expect(stdout).to.not.match(/│\s+1 │ Alpha/)
      expect(stdout).to.include('2 passing sites not listed (--all-rows lists every site).')
      expect(stdout).to.include('Causes: integration.found ×1')
      expect(stdout).to.include('Site 2 "Beta":\n  ✗ integration.found: Site 2 "Beta" has no WordPress integration.')
      expect(stdout.trimEnd().split('\n').at(-1)).to.match(/^✗ FAILED: 1 of 3 sites failed: 2 \(/)
    })

    it('--all-rows lists every site, passing ones too', async () => {
      fleetBackend()
      siteBackend(1, 101)
      siteBackend(2, null)
      siteBackend(3, 103)
      wordpress(2)
      const {stdout} = await runCommand(['integration', 'check', '--all-sites', '--all-rows'])
      expect(stdout).to.match(/│\s+1 │ Alpha\s+│ ok\s+│ -\s+│/)
      expect(stdout).to.match(/│\s+2 │ Beta\s+│ FAIL\s+│/)
      expect(stdout).to.not.include('not listed')
    })

    it('when the backend is down no site is checked, and the report still comes out (exit 1)', async () => {
      nock(HOST).get('/api/v1/auth/sites/').reply(503, 'down', {'content-type': 'text/html'}).persist()
      const {exit, json} = await check(['--all-sites'])
      nock.cleanAll()
      expect(exit).to.equal(1)
      expect(json.sites).to.deep.equal([])
      expect(statuses(json.checks)).to.deep.equal({config: 'pass', 'backend.reachable': 'fail', 'backend.auth': 'skip'})
    })
  })

  describe('--format, --fields and --quiet', () => {
    it('in a pipe with no --format the report stays as it is (it is prose, not a list)', async () => {
      backend()
      wordpress()
      const restore = setStdoutTTY(false)
      const {stdout, error} = await runCommand(['integration', 'check']).finally(restore)
      expect(error).to.equal(undefined)
      expect(stdout).to.match(/^Integration check · profile default · integration 7\n\n✓ config /)
      expect(stdout.trimEnd().split('\n').at(-1)).to.match(/^✓ OK: every required check passed/)
    })

    it('--format tsv: a header and one row per check on stdout, the verdict on stderr', async () => {
      backend({contentTypes: storedStructure({last_structure_fetch: hoursAgo(30)})})
      wordpress()
      const {stdout, stderr, error} = await runCommand(['integration', 'check', '--format', 'tsv'])
      expect(error?.oclif?.exit).to.equal(1)
      const lines = stdout.trimEnd().split('\n')
      expect(lines[0]).to.equal('id\tstatus\trequired\tdurationMs\tdetail\thint')
      expect(lines).to.have.length(13)
      expect(lines[1]).to.match(/^config\tpass\ttrue\t\d+\tprofile "default", site API key from the environment, .*\t$/)
      expect(lines.find((line) => line.startsWith('structure.fresh\t'))).to.match(/^structure\.fresh\tfail\ttrue\t\d+\tlast pushed .*, 30 h ago: .*\tThe IGNY8 plugin pushes daily/)
      expect(lines.find((line) => line.startsWith('structure.drift\t'))).to.match(/^structure\.drift\tpass\tfalse\t/)
      expect(stdout).to.not.include('FAILED')
      expect(stderr.trimEnd().split('\n').at(-1)).to.match(/^✗ FAILED: required check failed: structure\.fresh/)
    })

    it('--format json with --fields: the checks as a JSON array of those fields', async () => {
      backend()
      wordpress()
      const {stdout, error} = await runCommand(['integration', 'check', '--format', 'json', '--fields', 'id,status,required'])
      expect(error).to.equal(undefined)
      const rows = JSON.parse(stdout) as Array<Record<string, unknown>>
      expect(rows[0]).to.deep.equal({id: 'config', status: 'pass', required: true})
      expect(rows.find((row) => row.id === 'structure.drift')).to.deep.equal({id: 'structure.drift', status: 'pass', required: false})
    })

    it('--fields alone: on a terminal a table of those columns; in a pipe TSV rows without a header', async () => {
      backend()
      wordpress()
      let restore = setStdoutTTY(true)
      const table = await runCommand(['integration', 'check', '--fields', 'id,status']).finally(restore)
      expect(table.stdout.split('\n').slice(0, 4)).to.deep.equal([
        '┌─────────────────────┬────────┐',
        '│ id                  │ status │',
        '├─────────────────────┼────────┤',
        '│ config              │ pass   │',
      ])
      backend()
      wordpress()
      restore = setStdoutTTY(false)
      const piped = await runCommand(['integration', 'check', '--fields', 'status,id']).finally(restore)
      expect(piped.stdout.split('\n').slice(0, 2)).to.deep.equal(['pass\tconfig', 'pass\tbackend.reachable'])
    })

    it('--format yaml --all-sites: the shared checks without a site, then each site\'s checks with its id and name', async () => {
      nock(HOST).get('/api/v1/auth/sites/').reply(401, {success: false})
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 1, next: null, results: [{id: 2, name: 'Beta: shop'}]})
      siteBackend(2, null)
      const {stdout, error} = await runCommand(['integration', 'check', '--all-sites', '--format', 'yaml', '--fields', 'siteId,siteName,id,status'])
      expect(error?.oclif?.exit).to.equal(1)
      const text = stdout.trimEnd()
      expect(text.split('\n').slice(0, 4)).to.deep.equal(['- siteId: null', '  siteName: null', '  id: config', '  status: pass'])
      expect(text).to.include('- siteId: 2\n  siteName: "Beta: shop"\n  id: integration.found\n  status: fail')
    })

    it('--fields siteId needs --all-sites; --format with --junit - or --json: exit 2 before anything is sent', async () => {
      for (const args of [
        ['--fields', 'siteId,id'],
        ['--format', 'csv', '--junit', '-'],
        ['--format', 'csv', '--json'],
        ['--fields', 'id', '--json'],
      ]) {
        // eslint-disable-next-line no-await-in-loop -- runCommand captures this process's output: one at a time
        const {error, stderr, stdout} = await runCommand(['integration', 'check', ...args])
        expect(error?.oclif?.exit, args.join(' ')).to.equal(2)
        if (args[0] === '--fields' && args[1] === 'siteId,id') expect(stderr).to.include('Unknown field "siteId" for --fields: the fields are id, status, required, durationMs, detail, hint.')
        if (args.includes('--junit')) expect(stderr).to.include('Only one of --json, --format (or --fields), --junit -, --html - and --metrics - can write to stdout.')
        if (args.includes('--json')) expect(JSON.parse(stdout).error.exitCode).to.equal(2)
      }
    })

    it('--quiet: the verdict line alone on stdout, nothing on stderr (no progress, no "written to")', async () => {
      backend({contentTypes: storedStructure({last_structure_fetch: hoursAgo(30)})})
      wordpress()
      const junit = path.join(process.env.IGNY8_CONFIG_DIR!, 'report.xml')
      const {stdout, stderr, error} = await runCommand(['integration', 'check', '--quiet', '--junit', junit])
      expect(error?.oclif?.exit).to.equal(1)
      expect(stdout).to.match(/^✗ FAILED: required check failed: structure\.fresh \(10 passed, 0 warned, 1 failed, 1 skipped in \d+\.\d\d s\)\.\n$/)
      expect(stderr).to.equal('')
      expect(fs.existsSync(junit)).to.equal(true)
    })

    it('--quiet --all-sites: the fleet verdict alone; errors still reach stderr', async () => {
      nock(HOST).get('/api/v1/auth/sites/').reply(401, {success: false})
      nock(HOST)
        .get('/api/v1/auth/sites/')
        .reply(200, {success: true, count: 1, next: null, results: [{id: 2, name: 'Beta'}]})
      siteBackend(2, null)
      const {stdout, stderr, error} = await runCommand(['integration', 'check', '--all-sites', '-q'])
      expect(error?.oclif?.exit).to.equal(1)
      expect(stdout).to.match(/^✗ FAILED: 1 of 1 sites failed: 2 \(.*\)\.\n$/)
      expect(stderr).to.equal('')
      const bad = await runCommand(['integration', 'check', '--quiet', '--max-age', 'soon'])
      expect(bad.error?.oclif?.exit).to.equal(2)
      expect(bad.stderr).to.match(/^Error: /)
    })
  })
})
