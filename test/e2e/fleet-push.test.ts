/**
 * `--site` and `structure push --all-sites` as real processes (built dist: `npm run build` first) against
 * an in-process sandbox whose sites point at small local fake WordPress servers and at the project's real
 * WordPress lab: each site's integration and URL from the backend, the missing/stale/drift decision and
 * --only, --dry-run sending nothing, dead and hanging sites bounded by --site-timeout while the others are
 * pushed, shards covering every site once, and an incomplete gather leaving the stored structure untouched.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import type {Sandbox} from '../../src/lib/sandbox/index.js'

import {type CliRun, ROOT, runCli} from '../helpers/cli.js'
import {closedPort, expectFailure, FAKE_WP_COUNTS, fakeWordPress, type LocalServer, serverPool, storedStructure} from '../helpers/faults.js'
import {clearRequests, patchIntegration, requests, startTestSandbox} from '../helpers/sandbox.js'
import {ensureWordPress, type WordPressEnv} from '../helpers/wordpress.js'

interface SiteJson {
  siteId: number
  siteName: string
  integrationId: number | null
  action: 'failed' | 'pushed' | 'skipped' | 'would-push'
  reason: string
  diff?: Array<{kind: string; slug: string; field: string}>
}
interface FleetJson {
  ok: boolean
  sites: SiteJson[]
  summary: Record<SiteJson['action'], number>
}

const item = (label: string, count: number) => ({label, count, enabled: true, fetch_limit: 100})
/** What `structure gather` reads from fakeWordPress(). */
const LIVE = {
  post_types: {post: item('Posts', FAKE_WP_COUNTS.post), page: item('Pages', FAKE_WP_COUNTS.page)},
  taxonomies: {category: item('Categories', FAKE_WP_COUNTS.category), post_tag: item('Tags', FAKE_WP_COUNTS.post_tag)},
}
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()
const integrationOf = (siteId: number) => 100 + siteId
const ids = (sites: SiteJson[], action?: SiteJson['action']) => sites.filter((site) => !action || site.action === action).map((site) => site.siteId)
const details = (run: CliRun) => `exit ${run.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`

type State = 'drift' | 'fresh' | 'missing' | 'stale'

/** Sets what the backend stores for a site: nothing, the live structure (fresh or 3 days old), or a drifted one. */
async function store(sb: Sandbox, siteId: number, state: State): Promise<void> {
  const id = integrationOf(siteId)
  if (state === 'missing') {
    await patchIntegration(sb, id, {content_types: null})
    return
  }

  const structure = structuredClone(LIVE)
  if (state === 'drift') structure.post_types.post.count = 1
  await patchIntegration(sb, id, {content_types: {...structure, last_structure_fetch: state === 'stale' ? ago(72) : ago(1)}})
}

describe('e2e: --site and structure push --all-sites', function () {
  this.timeout(120_000)
  const {closeAll, serve} = serverPool()
  let wordpress: LocalServer[]
  let sb: Sandbox
  /** Log in from the environment, as a CI job does: no profile. */
  let env: NodeJS.ProcessEnv

  const igny8 = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, {env: {...env, IGNY8_HTTP_RETRIES: '1', ...extra}})
  const fleet = async (args: string[], expectedExit = 0): Promise<{json: FleetJson; ms: number; run: CliRun}> => {
    const started = Date.now()
    const run = await igny8(['structure', 'push', '--all-sites', '--source', 'rest', '--json', ...args])
    const ms = Date.now() - started
    expect(run.code, details(run)).to.equal(expectedExit)
    return {json: run.json<FleetJson>(), ms, run}
  }

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'structure', 'push.js'))) throw new Error('dist is missing: run `npm run build` first')
    wordpress = await Promise.all([serve(fakeWordPress()), serve(fakeWordPress()), serve(fakeWordPress())])
    // Twelve sites, round-robin over three fake WordPress servers.
    sb = await startTestSandbox({sites: 12, wpUrls: wordpress.map((server) => server.url)})
    env = {IGNY8_API_URL: sb.apiUrl, IGNY8_EMAIL: sb.credentials.email, IGNY8_PASSWORD: sb.credentials.password}
  })

  after(async () => {
    await sb?.close()
    await closeAll()
  })

  /** Sites 1-3 missing, 4-6 stale, 7-9 drifted, 10-12 up to date; every integration at its fake WordPress. */
  async function resetFleet(): Promise<void> {
    const states: State[] = ['missing', 'stale', 'drift', 'fresh']
    for (let siteId = 1; siteId <= 12; siteId++) {
      // eslint-disable-next-line no-await-in-loop -- sandbox control calls in order, each read back as set
      await patchIntegration(sb, integrationOf(siteId), {external_site_url: wordpress[(siteId - 1) % 3]!.url})
      // eslint-disable-next-line no-await-in-loop -- sandbox control calls in order, each read back as set
      await store(sb, siteId, states[Math.floor((siteId - 1) / 3)]!)
    }
  }

  async function pushedIntegrations(): Promise<number[]> {
    const log = await requests(sb, 'update-structure')
    return log.map((entry) => Number(/integrations\/(\d+)\//.exec(entry.path)?.[1])).sort((a, b) => a - b)
  }

  describe('--site: any site of the login, its integration and WordPress URL from the backend', () => {
    beforeEach(resetFleet)

    it('structure gather --site reads the site\'s own WordPress', async () => {
      await patchIntegration(sb, integrationOf(5), {external_site_url: wordpress[2]!.url})
      const seen = wordpress[2]!.seen.length
      const run = await igny8(['structure', 'gather', '--site', '5', '--source', 'rest', '--json'])
      expect(run.code, details(run)).to.equal(0)
      expect(run.json()).to.deep.include(LIVE)
      expect(wordpress[2]!.seen.length).to.be.above(seen)
    })

    it('structure push --site pushes to that site\'s integration only; content-types show --site reads it back', async () => {
      await clearRequests(sb)
      const before = await storedStructure(sb, integrationOf(2))
      const push = await igny8(['structure', 'push', '--site', '3', '--source', 'rest', '--json'])
      expect(push.code, details(push)).to.equal(0)
      expect(push.json().integrationId).to.equal(integrationOf(3))
      expect(await pushedIntegrations()).to.deep.equal([integrationOf(3)])
      expect(await storedStructure(sb, integrationOf(2))).to.deep.equal(before)

      const show = await igny8(['content-types', 'show', '--site', '3', '--json'])
      expect(show.code, details(show)).to.equal(0)
      expect(show.json()).to.deep.include({integrationId: integrationOf(3)})
      expect(show.json().post_types.post.count).to.equal(FAKE_WP_COUNTS.post)
    })

    it('an unknown site exits 2 naming the sites the login sees; a site API key sees only its own', async () => {
      const unknown = await igny8(['content-types', 'show', '--site', '99'])
      expectFailure(unknown, 2, /Site 99 is not a site this login can see \(it sees 1 "Demo Site 1"/)
      const key = {IGNY8_EMAIL: '', IGNY8_PASSWORD: '', IGNY8_API_KEY: sb.credentials.sites[1]!.apiKey}
      const other = await igny8(['structure', 'gather', '--site', '1'], key)
      expectFailure(other, 2, /Site 1 is not a site this login can see \(it sees 2 "Demo Site 2"/)
    })

    it('configured by the environment alone (API URL, site API key, integration id): the WordPress URL comes from the integration', async () => {
      await clearRequests(sb)
      const ci = {IGNY8_EMAIL: '', IGNY8_PASSWORD: '', IGNY8_API_KEY: sb.credentials.sites[1]!.apiKey, IGNY8_INTEGRATION_ID: String(integrationOf(2))}
      const gather = await igny8(['structure', 'gather', '--source', 'rest', '--json'], ci)
      expect(gather.code, details(gather)).to.equal(0)
      expect(gather.json()).to.deep.include(LIVE)
      const push = await igny8(['structure', 'push', '--source', 'rest'], ci)
      expect(push.code, details(push)).to.equal(0)
      expect(push.stderr).to.include(`WordPress URL from integration ${integrationOf(2)}: ${wordpress[1]!.url}/`)
      expect(await pushedIntegrations()).to.deep.equal([integrationOf(2)])
    })
  })

  describe('--all-sites', () => {
    beforeEach(async () => {
      await resetFleet()
      await clearRequests(sb)
    })

    for (const [only, expected] of [
      ['missing', [1, 2, 3]],
      ['stale', [4, 5, 6]],
      ['drift', [7, 8, 9]],
      ['missing,drift', [1, 2, 3, 7, 8, 9]],
      [undefined, [1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ] as const) {
      it(`--only ${only ?? '(all three)'}: pushes exactly those sites, each to its own integration; the rest are skipped`, async () => {
        const {json, ms} = await fleet(only ? ['--only', only] : [])
        expect(json.ok).to.equal(true)
        expect(ids(json.sites), 'every site, in id order').to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        expect(ids(json.sites, 'pushed')).to.deep.equal(expected)
        expect(json.summary).to.deep.equal({pushed: expected.length, 'would-push': 0, skipped: 12 - expected.length, failed: 0})
        expect(await pushedIntegrations()).to.deep.equal(expected.map((siteId) => integrationOf(siteId)))
        for (const siteId of expected) {
          // eslint-disable-next-line no-await-in-loop -- sandbox control calls in order, each read back as set
          expect(await storedStructure(sb, integrationOf(siteId)), `site ${siteId}`).to.deep.include(LIVE)
        }

        const site = (id: number) => json.sites.find((s) => s.siteId === id)!
        expect(site(1).reason).to.match(/^missing: nothing stored/)
        expect(site(4).reason).to.match(/^stale: last pushed .*, 3 days ago \(--max-age 26 h\)/)
        expect(site(7).reason).to.match(/^drift: 1 change: post type post: count 1 → 7/)
        expect(site(10)).to.deep.include({action: 'skipped', reason: 'up to date'})
        for (const skipped of json.sites.filter((s) => s.action === 'skipped' && s.siteId < 10)) {
          expect(skipped.reason, `site ${skipped.siteId}`).to.match(new RegExp(`\\(not in --only ${only}\\)$`))
        }

        expect(ms, 'twelve sites take seconds').to.be.below(15_000)
      })
    }

    it('--max-age: a 3-day-old structure is not stale under --max-age 4d', async () => {
      const {json} = await fleet(['--only', 'stale', '--max-age', '4d'])
      expect(ids(json.sites, 'pushed')).to.deep.equal([])
    })

    it('--dry-run sends nothing: it says which sites it would push, with the diff', async () => {
      const {json, run} = await fleet(['--dry-run'])
      expect(await requests(sb, 'update-structure')).to.deep.equal([])
      expect(ids(json.sites, 'would-push')).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(json.summary).to.deep.equal({pushed: 0, 'would-push': 9, skipped: 3, failed: 0})
      const drifted = json.sites.find((site) => site.siteId === 7)!
      expect(drifted.diff).to.deep.equal([{kind: 'post_types', slug: 'post', field: 'count', backend: 1, wordpress: FAKE_WP_COUNTS.post}])
      expect(json.sites.find((site) => site.siteId === 1)!.diff).to.have.length(4)
      expect(run.stderr).to.equal('')

      const human = await igny8(['structure', 'push', '--all-sites', '--source', 'rest', '--dry-run'])
      expect(human.code, details(human)).to.equal(0)
      const lines = human.stdout.trimEnd().split('\n')
      expect(lines.filter((line) => line.startsWith('~ would push'))).to.have.length(9)
      expect(human.stdout).to.include('~ would push site 7 "Demo Site 7" (integration 107): drift: 1 change: post type post: count 1 → 7\n')
      expect(human.stdout).to.not.include('Demo Site 10')
      expect(lines.at(-1)).to.equal('✓ Dry run, nothing sent: 9 of 12 sites would be pushed; 3 skipped (up to date, or not asked for by --only); 0 failed.')
      expect(await requests(sb, 'update-structure')).to.deep.equal([])
    })

    it('a dead site and a hanging site fail within --site-timeout 2s with their cause; every other site is pushed (exit 1)', async () => {
      const hanging = await serve(() => {
        // Accepts the connection, never answers.
      })
      await patchIntegration(sb, integrationOf(1), {external_site_url: `http://127.0.0.1:${await closedPort()}`})
      await patchIntegration(sb, integrationOf(2), {external_site_url: hanging.url})
      const {json, ms, run} = await fleet(['--site-timeout', '2s', '--concurrency', '4'], 1)
      expect(json.ok).to.equal(false)
      const site = (id: number) => json.sites.find((s) => s.siteId === id)!
      expect(site(1)).to.deep.include({action: 'failed', integrationId: integrationOf(1)})
      expect(site(1).reason).to.match(/^Cannot reach WordPress: connection refused by 127\.0\.0\.1:\d+\.$/)
      expect(site(2)).to.deep.include({action: 'failed', integrationId: integrationOf(2)})
      expect(site(2).reason).to.match(/time limit \(--site-timeout\) ran out/)
      expect(ids(json.sites, 'pushed')).to.deep.equal([3, 4, 5, 6, 7, 8, 9])
      expect(await pushedIntegrations()).to.deep.equal([3, 4, 5, 6, 7, 8, 9].map((id) => integrationOf(id)))
      expect(await storedStructure(sb, integrationOf(1))).to.equal(undefined)
      // The hanging site would take the 10 s request timeout (and retries) without the site's bound.
      expect(ms, 'bounded by --site-timeout, not the request timeout').to.be.below(7000)
      expect(run.stderr).to.equal('')
    })

    it('shards 1/3, 2/3 and 3/3 cover every site exactly once', async () => {
      const shards = await Promise.all([1, 2, 3].map((k) => fleet(['--dry-run', '--shard', `${k}/3`])))
      const seen = shards.flatMap(({json}) => ids(json.sites))
      expect(seen.sort((a, b) => a - b)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
      expect(shards.map(({json}) => ids(json.sites))).to.deep.equal([
        [1, 4, 7, 10],
        [2, 5, 8, 11],
        [3, 6, 9, 12],
      ])
    })

    it('an incomplete gather (one count answers 500) is never pushed: the site fails and its stored structure is untouched', async () => {
      const broken = await serve(
        fakeWordPress({
          override(_req, res, route) {
            if (route !== '/wp/v2/tags') return false
            res.writeHead(500, {'content-type': 'application/json'})
            res.end(JSON.stringify({code: 'internal_server_error', message: 'There has been a critical error on this website.', data: {status: 500}}))
            return true
          },
        }),
      )
      for (const siteId of [4, 7]) {
        // eslint-disable-next-line no-await-in-loop -- sandbox control calls in order, each read back as set
        await patchIntegration(sb, integrationOf(siteId), {external_site_url: broken.url})
      }

      const before = {4: await storedStructure(sb, integrationOf(4)), 7: await storedStructure(sb, integrationOf(7))}
      const {json} = await fleet([], 1)
      for (const siteId of [4, 7] as const) {
        const site = json.sites.find((s) => s.siteId === siteId)!
        expect(site.action).to.equal('failed')
        expect(site.reason).to.match(/^Not pushed: the structure read from 127\.0\.0\.1:\d+ is incomplete \(taxonomy "post_tag": \/wp\/v2\/tags failed: 500 internal_server_error/)
        // eslint-disable-next-line no-await-in-loop -- sandbox control calls in order, each read back as set
        expect(await storedStructure(sb, integrationOf(siteId)), `site ${siteId}`).to.deep.equal(before[siteId])
      }

      expect(ids(json.sites, 'pushed')).to.deep.equal([1, 2, 3, 5, 6, 8, 9])

      // One site: structure push refuses it too (exit 5), naming the collection.
      const single = await igny8(['structure', 'push', '--site', '4', '--source', 'rest'])
      expectFailure(single, 5, /Not pushed: the structure read from .* is incomplete \(taxonomy "post_tag"/)
      expect(await storedStructure(sb, integrationOf(4))).to.deep.equal(before[4])
      expect((await pushedIntegrations()).filter((id) => id === integrationOf(4))).to.deep.equal([])
    })
  })

  describe('larger fleets and the real WordPress', () => {
    let big: Sandbox
    let lab: WordPressEnv

    before(async function () {
      this.timeout(900_000)
      lab = await ensureWordPress()
    })

    afterEach(async () => {
      await big?.close()
    })

    it('100 sites over three fake WordPress servers: every one pushed, in seconds', async () => {
      big = await startTestSandbox({sites: 100, wpUrls: wordpress.map((server) => server.url)})
      const started = Date.now()
      const run = await runCli(['structure', 'push', '--all-sites', '--source', 'rest', '--concurrency', '16', '--json'], {
        env: {IGNY8_API_URL: big.apiUrl, IGNY8_EMAIL: big.credentials.email, IGNY8_PASSWORD: big.credentials.password},
      })
      const ms = Date.now() - started
      expect(run.code, details(run)).to.equal(0)
      const json = run.json<FleetJson>()
      expect(json.summary).to.deep.equal({pushed: 100, 'would-push': 0, skipped: 0, failed: 0})
      expect(new Set((await requests(big, 'update-structure')).map((entry) => entry.path)).size).to.equal(100)
      expect(ms).to.be.below(20_000)

      // Human output of a fleet that is up to date: one summary line, however many sites.
      const again = await runCli(['structure', 'push', '--all-sites', '--source', 'rest', '--concurrency', '16'], {
        env: {IGNY8_API_URL: big.apiUrl, IGNY8_EMAIL: big.credentials.email, IGNY8_PASSWORD: big.credentials.password},
      })
      expect(again.code, details(again)).to.equal(0)
      expect(again.stdout).to.equal('✓ Pushed 0 of 100 sites; 100 skipped (up to date, or not asked for by --only); 0 failed.\n')
    })

    it('sites on the real WordPress lab and on a fake one: each pushed with its own counts', async () => {
      big = await startTestSandbox({sites: 4, wpUrls: [lab.WP_URL, wordpress[0]!.url]})
      const run = await runCli(['structure', 'push', '--all-sites', '--source', 'rest', '--json'], {
        env: {IGNY8_API_URL: big.apiUrl, IGNY8_EMAIL: big.credentials.email, IGNY8_PASSWORD: big.credentials.password},
      })
      expect(run.code, details(run)).to.equal(0)
      expect(run.json<FleetJson>().summary.pushed).to.equal(4)
      const labStored = (await storedStructure(big, integrationOf(1))) as {post_types: Record<string, {count: number}>}
      expect(labStored.post_types.post!.count).to.equal(Number((await ensureWordPress()).EXPECT_POSTS))
      expect(labStored.post_types.product!.count).to.equal(Number(lab.EXPECT_PRODUCTS))
      expect(await storedStructure(big, integrationOf(2))).to.deep.include(LIVE)
      expect(await storedStructure(big, integrationOf(3))).to.deep.include({post_types: labStored.post_types})
    })
  })
})
