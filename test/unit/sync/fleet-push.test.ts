/**
 * `structure push --all-sites` and the refusal of a partial structure, in-process with nock: the
 * missing/stale/drift decision and --only, what a gather that came back incomplete does (fleet: the site
 * fails and nothing is pushed; one site: exit 5 naming the collection), and the exact JSON result.
 */
import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'

import type {ContentTypesResult} from '../../../src/lib/sync/content-types.js'

import {BackendClient} from '../../../src/lib/backend/client.js'
import {createHttp, defaultHttpSettings} from '../../../src/lib/http/http-client.js'
import {gatherStructure} from '../../../src/lib/structure/gather.js'
import {parseOverrides} from '../../../src/lib/structure/selection.js'
import {assessSite, decide, type FleetPushOptions, parseOnly, pushFleet, renderFleetPush, summarizeDiff} from '../../../src/lib/sync/fleet-push.js'
import {parseSiteUrl} from '../../../src/lib/wordpress/site-url.js'
import {setStdoutTTY} from '../../helpers/tty.js'
import {
  countReply,
  EXPECTED_POST_TYPES,
  EXPECTED_TAXONOMIES,
  fakeSite,
  homeHtml,
  HTML,
  INDEX,
  INDEX_FIELDS,
  PRETTY,
  restGet,
  SITE,
  TYPES,
  wpError,
} from '../wordpress/fake-site.js'

const HOST = 'https://api.igny8.test'
const API = `${HOST}/api/v1`
const HOUR = 3_600_000
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR).toISOString()

const stored = (extra: Partial<ContentTypesResult> = {}): ContentTypesResult => ({
  integrationId: 101,
  post_types: structuredClone(EXPECTED_POST_TYPES),
  taxonomies: structuredClone(EXPECTED_TAXONOMIES),
  plugin_connection_enabled: null,
  two_way_sync_enabled: null,
  last_structure_fetch: hoursAgo(1),
  ...extra,
})
const live = {post_types: EXPECTED_POST_TYPES, taxonomies: EXPECTED_TAXONOMIES}
const NOTHING: Partial<ContentTypesResult> = {post_types: {}, taxonomies: {}, last_structure_fetch: null}

const sites = [
  {id: 1, name: 'Alpha'},
  {id: 2, name: 'Beta'},
  {id: 3, name: 'Gamma'},
]

function sitesList(list: Array<Record<string, unknown>> = sites): void {
  nock(HOST).get('/api/v1/auth/sites/').reply(200, {success: true, count: list.length, next: null, results: list})
}

/** A site's integration (at the fake WordPress, or `url`) and what the backend stores for it. */
function siteBackend(siteId: number, contentTypes: Partial<ContentTypesResult> | null, url = SITE): void {
  const id = 100 + siteId
  nock(HOST)
    .get('/api/v1/integration/integrations/')
    .query({site: String(siteId), site_id: String(siteId), platform: 'wordpress'})
    .reply(200, {success: true, count: 1, next: null, results: contentTypes === null ? [] : [{id, site: siteId, platform: 'wordpress', external_site_url: url}]})
  if (contentTypes === null) return
  const {integrationId: _id, ...data} = stored(contentTypes)
  nock(HOST).get(`/api/v1/integration/integrations/${id}/content-types/`).reply(200, {success: true, data})
}

/** An update-structure that records what it received. */
function pushAccepted(integrationId: number, bodies: unknown[] = []): unknown[] {
  nock(HOST)
    .post(`/api/v1/integration/integrations/${integrationId}/update-structure/`)
    .reply(200, (_uri, body) => {
      bodies.push(body)
      return {success: true, data: {post_types_count: 3, taxonomies_count: 3, last_structure_fetch: new Date().toISOString()}}
    })
  return bodies
}

/** A healthy fake WordPress except the posts count, which answers `status` (every attempt). */
function wordpressWithFailingPosts(status: number): void {
  fakeSite({skipCounts: true})
  for (const base of ['pages', 'products', 'categories', 'tags', 'product_cat']) countReply(nock(SITE), PRETTY, base)
  restGet(nock(SITE), PRETTY, 'wp/v2/posts', {status: 'publish', per_page: '1', _fields: 'id'})
    .times(4)
    .reply(status, wpError('internal_server_error', 'There has been a critical error on this website.', status))
}

function wordpressHttp() {
  return createHttp({...defaultHttpSettings('igny8-test'), backoffLimitMs: 20})
}

function fleetOptions(overrides: Partial<FleetPushOptions> = {}): FleetPushOptions {
  const http = {...defaultHttpSettings('igny8-test'), backoffLimitMs: 20}
  return {
    backend: {authMethod: 'api-key', client: new BackendClient({apiUrl: API, auth: {kind: 'api-key', key: 'igny8_unit_key'}, http}), profile: undefined},
    only: parseOnly(),
    maxAgeMs: 26 * HOUR,
    dryRun: false,
    concurrency: 2,
    siteTimeoutMs: 10_000,
    http,
    inputs: async (_site, wordpress) => ({siteUrl: parseSiteUrl(wordpress.url), source: 'rest', allowHttp: false, concurrency: 4, overrides: parseOverrides({})}),
    ...overrides,
  }
}

describe('structure push --all-sites, and partial structures', () => {
  describe('the decision', () => {
    it('missing: nothing stored (and nothing else is looked at)', () => {
      expect(assessSite(stored(NOTHING), live, 26 * HOUR)).to.deep.equal({conditions: ['missing'], details: ['missing: nothing stored']})
    })

    it('stale: older than --max-age, or of unknown age; a fresh one is not', () => {
      const old = assessSite(stored({last_structure_fetch: hoursAgo(30)}), live, 26 * HOUR)
      expect(old.conditions).to.deep.equal(['stale'])
      expect(old.details[0]).to.match(/^stale: last pushed .*, 30 h ago \(--max-age 26 h\)$/)
      expect(assessSite(stored({last_structure_fetch: null}), live, 26 * HOUR).conditions).to.deep.equal(['stale'])
      expect(assessSite(stored({last_structure_fetch: hoursAgo(30)}), live, 48 * HOUR).conditions).to.deep.equal([])
    })

    it('drift: a count that moved or a slug added or removed; labels, enabled and fetch_limit are not drift', () => {
      const moved = stored()
      moved.post_types.post!.count = 100
      delete moved.taxonomies.product_cat
      const drift = assessSite(moved, live, 26 * HOUR)
      expect(drift.conditions).to.deep.equal(['drift'])
      expect(drift.details).to.deep.equal(['drift: 2 changes: post type post: count 100 → 123, taxonomy product_cat is new in WordPress'])

      const relabelled = stored()
      relabelled.post_types.post!.label = 'Articles'
      relabelled.post_types.product!.enabled = true
      relabelled.taxonomies.category!.fetch_limit = 5
      expect(assessSite(relabelled, live, 26 * HOUR).conditions).to.deep.equal([])
    })

    it('--only: a site is pushed when any condition met is asked for; the reason names all of them', () => {
      const both = stored({last_structure_fetch: hoursAgo(40)})
      both.post_types.page!.count = 1
      const assessment = assessSite(both, live, 26 * HOUR)
      expect(assessment.conditions).to.deep.equal(['stale', 'drift'])
      expect(decide(assessment, parseOnly(['drift']))).to.deep.include({push: true})
      expect(decide(assessment, parseOnly(['stale'])).reason).to.match(/^stale: .*; drift: 1 change: post type page: count 1 → 12$/)
      const notAsked = decide(assessment, parseOnly(['missing']))
      expect(notAsked.push).to.equal(false)
      expect(notAsked.reason).to.match(/\(not in --only missing\)$/)
      expect(decide({conditions: [], details: []}, parseOnly())).to.deep.equal({push: false, reason: 'up to date'})
      expect([...parseOnly()]).to.deep.equal(['missing', 'stale', 'drift'])
    })

    it('summarizes a diff in one phrase, naming at most three changes', () => {
      const entries = ['a', 'b', 'c', 'd'].map((slug) => ({kind: 'post_types' as const, slug, field: 'exists' as const, backend: false, wordpress: true}))
      expect(summarizeDiff(entries)).to.equal('4 changes: post type a is new in WordPress, post type b is new in WordPress, post type c is new in WordPress, … 1 more')
      expect(summarizeDiff([])).to.equal('no change')
    })
  })

  describe('a fleet (backend and WordPress mocked)', () => {
    it('pushes the missing site, skips the fresh one and the drifted one not asked for, in site order', async () => {
      sitesList()
      siteBackend(1, NOTHING)
      siteBackend(2, {})
      const drifted = stored()
      drifted.post_types.post!.count = 1
      siteBackend(3, {post_types: drifted.post_types})
      for (let i = 0; i < 3; i++) fakeSite()
      const bodies = pushAccepted(101)
      const done: number[] = []
      const report = await pushFleet(fleetOptions({only: parseOnly(['missing', 'stale']), onSite: (_result, count) => done.push(count)}))
      expect(report.sites.map((s) => [s.siteId, s.integrationId, s.action])).to.deep.equal([
        [1, 101, 'pushed'],
        [2, 102, 'skipped'],
        [3, 103, 'skipped'],
      ])
      expect(report.sites[0]!.reason).to.equal('missing: nothing stored')
      expect(report.sites[0]!.diff).to.have.length(6)
      expect(report.sites[1]!.reason).to.equal('up to date')
      expect(report.sites[2]!.reason).to.equal('drift: 1 change: post type post: count 1 → 123 (not in --only missing,stale)')
      expect(report).to.deep.include({ok: true, summary: {pushed: 1, 'would-push': 0, skipped: 2, failed: 0}})
      expect(bodies).to.have.length(1)
      expect((bodies[0] as {post_types: unknown}).post_types).to.deep.equal(EXPECTED_POST_TYPES)
      expect(done).to.deep.equal([1, 2, 3])
    })

    it('--dry-run sends nothing and says what it would push, with the diff', async () => {
      sitesList(sites.slice(0, 1))
      siteBackend(1, {last_structure_fetch: hoursAgo(50)})
      fakeSite()
      const report = await pushFleet(fleetOptions({dryRun: true}))
      expect(report.sites[0]).to.deep.include({action: 'would-push', diff: []})
      expect(report.sites[0]!.reason).to.match(/^stale: last pushed/)
      expect(report.summary).to.deep.equal({pushed: 0, 'would-push': 1, skipped: 0, failed: 0})
      expect(renderFleetPush(report, {dryRun: true})).to.match(/^~ would push site 1 "Alpha" \(integration 101\): stale: .* → no change but the date\n\n✓ Dry run, nothing sent: 1 of 1 site would be pushed; 0 skipped/)
    })

    for (const [status, what] of [
      [500, 'a 500'],
      [503, 'a 503'],
      [429, 'a 429'],
    ] as const) {
      it(`never pushes a partial structure: a count that answers ${what} (after retries) fails the site, which is left as it is`, async () => {
        sitesList(sites.slice(0, 1))
        siteBackend(1, {})
        wordpressWithFailingPosts(status)
        const report = await pushFleet(fleetOptions({only: parseOnly(['missing'])}))
        expect(report.ok).to.equal(false)
        expect(report.sites[0]!.action).to.equal('failed')
        expect(report.sites[0]!.reason).to.match(new RegExp(`^Not pushed: the structure read from wp\\.example is incomplete \\(post type "post": /wp/v2/posts failed: ${status} `))
        expect(report.summary.failed).to.equal(1)
        // No update-structure interceptor exists: a push would have been an unmatched request, not "failed: incomplete".
      })
    }

    it('a list that does not answer (connection dropped) fails the site; a 401 collection is left out and the site is pushed', async () => {
      sitesList(sites.slice(0, 2))
      siteBackend(1, NOTHING)
      siteBackend(2, NOTHING)
      // Site 1: /wp/v2/taxonomies drops the connection on every attempt.
      nock(SITE).get('/').reply(200, homeHtml(), {...HTML, link: `<${SITE}/wp-json/>; rel="https://api.w.org/"`})
      restGet(nock(SITE), PRETTY, '', {_fields: INDEX_FIELDS}).reply(200, INDEX)
      restGet(nock(SITE), PRETTY, 'wp/v2/types').reply(200, TYPES)
      restGet(nock(SITE), PRETTY, 'wp/v2/taxonomies').times(4).replyWithError(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))
      for (const base of ['posts', 'pages', 'products']) countReply(nock(SITE), PRETTY, base)
      // Site 2: products are not public.
      fakeSite({skipCounts: true})
      for (const base of ['posts', 'pages', 'categories', 'tags', 'product_cat']) countReply(nock(SITE), PRETTY, base)
      restGet(nock(SITE), PRETTY, 'wp/v2/products', {status: 'publish', per_page: '1', _fields: 'id'}).reply(401, wpError('rest_forbidden', 'Sorry, you are not allowed to do that.', 401))
      const bodies = pushAccepted(102)
      const report = await pushFleet(fleetOptions({concurrency: 1}))
      expect(report.sites[0]!.action).to.equal('failed')
      expect(report.sites[0]!.reason).to.include('the taxonomies (/wp/v2/taxonomies): Cannot reach WordPress: the connection to wp.example was dropped')
      expect(report.sites[1]!.action).to.equal('pushed')
      expect(Object.keys((bodies[0] as {post_types: object}).post_types)).to.deep.equal(['post', 'page'])
    })

    it('a site without a WordPress integration fails; a site that is not a WordPress site is skipped', async () => {
      sitesList([
        {id: 1, name: 'Alpha', hosting_type: 'wordpress'},
        {id: 2, name: 'Beta', hosting_type: 'shopify'},
      ])
      siteBackend(1, null)
      siteBackend(2, null)
      const report = await pushFleet(fleetOptions())
      expect(report.sites.map((s) => [s.action, s.integrationId, s.reason])).to.deep.equal([
        ['failed', null, 'Site 1 "Alpha" has no WordPress integration.'],
        ['skipped', null, 'not a WordPress site (hosting type shopify)'],
      ])
    })

    it('a site that never answers fails within --site-timeout, with its cause; the others go on', async () => {
      const hanging = 'https://hangs.example'
      sitesList(sites.slice(0, 2))
      siteBackend(1, {}, hanging)
      siteBackend(2, NOTHING)
      nock(hanging).get('/').delay(5000).reply(200, 'late')
      fakeSite()
      pushAccepted(102)
      const started = Date.now()
      const report = await pushFleet(fleetOptions({siteTimeoutMs: 300, concurrency: 2}))
      expect(Date.now() - started).to.be.below(3000)
      expect(report.sites[0]!.action).to.equal('failed')
      expect(report.sites[0]!.reason).to.match(/time limit \(--site-timeout\) ran out/)
      expect(report.sites[1]!.action).to.equal('pushed')
      nock.abortPendingRequests()
      nock.cleanAll()
    })
  })

  describe('the command', () => {
    beforeEach(() => {
      process.env.IGNY8_API_URL = API
      process.env.IGNY8_API_KEY = 'igny8_unit_key'
    })

    it('--json is exactly {ok, sites, summary}; a failed site makes the exit code 1', async () => {
      sitesList(sites.slice(0, 2))
      siteBackend(1, NOTHING)
      siteBackend(2, NOTHING)
      fakeSite()
      wordpressWithFailingPosts(500)
      pushAccepted(101)
      const {stdout, error} = await runCommand(['structure', 'push', '--all-sites', '--concurrency', '1', '--source', 'rest', '--json'])
      expect(error?.oclif?.exit).to.equal(1)
      const json = JSON.parse(stdout)
      expect(Object.keys(json)).to.deep.equal(['ok', 'sites', 'summary'])
      expect(json.ok).to.equal(false)
      expect(json.summary).to.deep.equal({pushed: 1, 'would-push': 0, skipped: 0, failed: 1})
      expect(Object.keys(json.sites[0])).to.deep.equal(['siteId', 'siteName', 'integrationId', 'action', 'reason', 'diff'])
      expect(Object.keys(json.sites[1])).to.deep.equal(['siteId', 'siteName', 'integrationId', 'action', 'reason'])
      expect(json.sites[1]).to.deep.include({siteId: 2, siteName: 'Beta', integrationId: 102, action: 'failed'})
    })

    it('human output: a line per site that is not skipped, skipped sites only counted, then the summary', async () => {
      sitesList()
      siteBackend(1, NOTHING)
      siteBackend(2, {})
      siteBackend(3, {})
      for (let i = 0; i < 3; i++) fakeSite()
      pushAccepted(101)
      const {stdout, error} = await runCommand(['structure', 'push', '--all-sites', '--source', 'rest'])
      expect(error).to.equal(undefined)
      expect(stdout).to.equal('✓ pushed     site 1 "Alpha" (integration 101): missing: nothing stored\n\n✓ Pushed 1 of 3 sites; 2 skipped (up to date, or not asked for by --only); 0 failed.\n')
    })

    it('bad flag values exit 2 before anything is sent', async () => {
      for (const args of [
        ['--shard', '4/3'],
        ['--max-age', 'soon'],
        ['--site-timeout', '0s'],
        ['--only', 'missing,old'],
        ['--enable', 'Not A Slug'],
      ]) {
        // eslint-disable-next-line no-await-in-loop -- runCommand captures this process's output: one at a time
        const {error} = await runCommand(['structure', 'push', '--all-sites', ...args])
        expect(error?.oclif?.exit, args.join(' ')).to.equal(2)
      }

      for (const args of [['--site', '3'], ['--integration', '7'], ['--wp-url', SITE], ['--from-file', 'x.json']]) {
        // eslint-disable-next-line no-await-in-loop -- runCommand captures this process's output: one at a time
        const {error} = await runCommand(['structure', 'push', '--all-sites', ...args])
        expect(error?.oclif?.exit, args.join(' ')).to.equal(2)
      }

      const {error} = await runCommand(['structure', 'push', '--only', 'missing'])
      expect(error?.oclif?.exit).to.equal(2)
    })

    it('--format csv: one row per site, skipped ones too, with a header; the summary line on stderr', async () => {
      sitesList()
      siteBackend(1, NOTHING)
      siteBackend(2, {})
      siteBackend(3, {})
      for (let i = 0; i < 3; i++) fakeSite()
      pushAccepted(101)
      const {stdout, stderr, error} = await runCommand(['structure', 'push', '--all-sites', '--source', 'rest', '--concurrency', '1', '--format', 'csv'])
      expect(error).to.equal(undefined)
      expect(stdout).to.equal(
        ['siteId,siteName,integrationId,action,reason', '1,Alpha,101,pushed,missing: nothing stored', '2,Beta,102,skipped,up to date', '3,Gamma,103,skipped,up to date', ''].join('\n'),
      )
      expect(stderr).to.equal('✓ Pushed 1 of 3 sites; 2 skipped (up to date, or not asked for by --only); 0 failed.\n')
    })

    it('--format json --fields, and --fields alone in a pipe (TSV without a header)', async () => {
      sitesList(sites.slice(0, 1))
      siteBackend(1, {})
      fakeSite()
      const json = await runCommand(['structure', 'push', '--all-sites', '--source', 'rest', '--dry-run', '--format', 'json', '--fields', 'action,siteId'])
      expect(JSON.parse(json.stdout)).to.deep.equal([{action: 'skipped', siteId: 1}])
      sitesList(sites.slice(0, 1))
      siteBackend(1, {})
      fakeSite()
      const restore = setStdoutTTY(false)
      const tsv = await runCommand(['structure', 'push', '--all-sites', '--source', 'rest', '--fields', 'siteName,reason']).finally(restore)
      expect(tsv.stdout).to.equal('Alpha\tup to date\n')
    })

    it('--quiet: the summary line alone on stdout, nothing on stderr', async () => {
      sitesList()
      siteBackend(1, NOTHING)
      siteBackend(2, {})
      siteBackend(3, {})
      for (let i = 0; i < 3; i++) fakeSite()
      pushAccepted(101)
      const {stdout, stderr, error} = await runCommand(['structure', 'push', '--all-sites', '--source', 'rest', '--quiet'])
      expect(error).to.equal(undefined)
      expect(stdout).to.equal('✓ Pushed 1 of 3 sites; 2 skipped (up to date, or not asked for by --only); 0 failed.\n')
      expect(stderr).to.equal('')
    })

    it('one site --quiet: the result line alone (no tables, no "Read from", no warnings); --dry-run --quiet: one line', async () => {
      process.env.IGNY8_INTEGRATION_ID = '7'
      fakeSite()
      pushAccepted(7)
      const pushed = await runCommand(['structure', 'push', '--wp-url', SITE, '--source', 'rest', '--quiet'])
      expect(pushed.error).to.equal(undefined)
      expect(pushed.stdout).to.match(/^Pushed 3 post types and 3 taxonomies to integration 7: accepted \(backend stored 3 \+ 3, last_structure_fetch .*\)\.\n$/)
      expect(pushed.stderr).to.equal('')

      fakeSite()
      const {integrationId: _id, ...data} = stored({post_types: {...structuredClone(EXPECTED_POST_TYPES), post: {...EXPECTED_POST_TYPES.post, count: 120}}})
      nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data})
      const dry = await runCommand(['structure', 'push', '--wp-url', SITE, '--source', 'rest', '--dry-run', '-q'])
      expect(dry.error).to.equal(undefined)
      expect(dry.stdout).to.equal('Would change on integration 7 (dry run, nothing sent): 1 change: post type post: count 120 → 123.\n')
      expect(dry.stderr).to.equal('')
    })

    it('--format and --fields need --all-sites; --format with --json, or an unknown field, exit 2 before anything is sent', async () => {
      for (const args of [
        ['--format', 'csv'],
        ['--fields', 'siteId'],
        ['--all-sites', '--format', 'csv', '--json'],
        ['--all-sites', '--fields', 'siteId,site'],
      ]) {
        // eslint-disable-next-line no-await-in-loop -- runCommand captures this process's output: one at a time
        const {error, stderr} = await runCommand(['structure', 'push', ...args])
        expect(error?.oclif?.exit, args.join(' ')).to.equal(2)
        if (args.includes('siteId,site')) expect(stderr).to.include('Unknown field "site" for --fields: the fields are siteId, siteName, integrationId, action, reason.')
      }
    })
  })

  describe('an incomplete gather', () => {
    const inputs = {siteUrl: parseSiteUrl(SITE), source: 'rest' as const, allowHttp: false, concurrency: 4, overrides: parseOverrides({})}

    it('partial: names what did not answer in report.incomplete and keeps the rest', async () => {
      wordpressWithFailingPosts(503)
      const {payload, report} = await gatherStructure({...inputs, http: wordpressHttp(), partial: true})
      expect(Object.keys(payload.post_types)).to.deep.equal(['page', 'product'])
      expect(report.incomplete).to.have.length(1)
      expect(report.incomplete[0]).to.match(/^post type "post": \/wp\/v2\/posts failed: 503 internal_server_error/)
      expect(report.excluded).to.deep.equal([])
      expect(report.warnings.at(-1)).to.match(/^Not read, so the structure is incomplete: post type "post"/)
    })

    it('without partial, the gather fails on it as before', async () => {
      wordpressWithFailingPosts(500)
      const error = await gatherStructure({...inputs, http: wordpressHttp()}).then(
        () => expect.fail('should reject'),
        (error_: {exitCode: number; message: string}) => error_,
      )
      expect(error.exitCode).to.equal(5)
      expect(error.message).to.match(/^\/wp\/v2\/posts failed: 500/)
    })

    it('structure push (one site) refuses it: exit 5 naming the collection, nothing sent', async () => {
      process.env.IGNY8_API_URL = API
      process.env.IGNY8_API_KEY = 'igny8_unit_key'
      process.env.IGNY8_INTEGRATION_ID = '7'
      wordpressWithFailingPosts(500)
      const {stderr, error} = await runCommand(['structure', 'push', '--wp-url', SITE, '--source', 'rest'])
      expect(error?.oclif?.exit).to.equal(5)
      expect(stderr).to.match(/Error: Not pushed: the structure read from wp\.example is incomplete \(post type "post": \/wp\/v2\/posts failed: 500 /)
      expect(stderr).to.include('Nothing was sent')
    })

    it('structure push --dry-run refuses it too', async () => {
      process.env.IGNY8_API_URL = API
      process.env.IGNY8_API_KEY = 'igny8_unit_key'
      process.env.IGNY8_INTEGRATION_ID = '7'
      wordpressWithFailingPosts(429)
      const {stdout, error} = await runCommand(['structure', 'push', '--wp-url', SITE, '--source', 'rest', '--dry-run', '--json'])
      expect(error?.oclif?.exit).to.equal(5)
      expect(JSON.parse(stdout).error).to.deep.include({code: 'structure_incomplete', exitCode: 5})
    })
  })
})
