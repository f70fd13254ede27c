/**
 * --all-sites keeps memory flat: a site's session (its stored structure, its gathered one) is released
 * as soon as its checks finish; only the check results stay. Measured with the heap after a full GC as
 * each site finishes, over sites whose stored structures are large on purpose.
 */
import {expect} from 'chai'
import nock from 'nock'
import v8 from 'node:v8'
import vm from 'node:vm'

import type {CheckEnvironment} from '../../../src/lib/checks/session.js'

import {BackendClient} from '../../../src/lib/backend/client.js'
import {checkFleet} from '../../../src/lib/checks/integration-check.js'
import {parseTolerance} from '../../../src/lib/checks/options.js'
import {defaultHttpSettings} from '../../../src/lib/http/http-client.js'

const HOST = 'https://api.igny8.test'
const API = `${HOST}/api/v1`
const WP = 'https://wp.example'
const SITES = 40
/** No --drift-tolerance: parseTolerance takes `string | undefined` (not an optional parameter), as oclif hands flags over. */
const NOT_GIVEN = undefined

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** About a megabyte of heap once parsed: thousands of post types. */
function bigStructure(): Record<string, unknown> {
  const post_types: Record<string, unknown> = {}
  for (let i = 0; i < 4000; i++) post_types[`type_${i}`] = {label: `A post type with a long label number ${i}`, count: i, enabled: i % 2 === 0, fetch_limit: 50}
  return {post_types, taxonomies: {}, last_structure_fetch: new Date().toISOString()}
}

describe('checks: --all-sites memory', function () {
  this.timeout(60_000)

  it('stays flat over many sites: no site\'s data outlives its checks', async () => {
    const structure = JSON.stringify({success: true, data: bigStructure()})
    nock(HOST).get('/api/v1/auth/sites/').reply(401, {success: false})
    nock(HOST)
      .get('/api/v1/auth/sites/')
      .reply(200, {success: true, count: SITES, next: null, results: Array.from({length: SITES}, (_v, i) => ({id: i + 1, name: `Site ${i + 1}`}))})
    for (let id = 1; id <= SITES; id++) {
      nock(HOST)
        .get('/api/v1/integration/integrations/')
        .query(true)
        .reply(200, {success: true, count: 1, next: null, results: [{id: 100 + id, site: id, platform: 'wordpress', is_active: true, external_site_url: WP}]})
      nock(HOST).get(`/api/v1/integration/integrations/${100 + id}/sync_status/`).reply(200, {success: true, data: {sync_status: 'completed', sync_enabled: true}})
      nock(HOST).get(`/api/v1/integration/integrations/${100 + id}/content-types/`).reply(200, structure, {'content-type': 'application/json'})
    }

    nock(WP).get('/').times(SITES).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}))
    const http = defaultHttpSettings('igny8-test')
    const env: CheckEnvironment = {
      profileName: 'default',
      async openBackend() {
        return {client: new BackendClient({apiUrl: API, auth: {kind: 'api-key', key: 'igny8_unit_key'}, http}), apiUrl: API, authMethod: 'api-key', credentialSource: 'env', profileName: 'default', profile: undefined}
      },
      readProfile(): undefined {},
      gather: {
        flags: {source: 'rest', 'wp-app-password-stdin': false, concurrency: 8, 'allow-http': false},
        context: async () => ({setting: (_name, sources) => ({value: sources.flag}), notice() {}, profileName: 'default'}),
      },
      http,
    }

    const heap: number[] = []
    const report = await checkFleet(env, {maxAgeMs: 3_600_000, driftTolerance: parseTolerance(NOT_GIVEN), roundTrip: false, strict: false}, {
      concurrency: 1,
      siteTimeoutMs: 30_000,
      onSite() {
        gc()
        heap.push(process.memoryUsage().heapUsed)
      },
    })
    expect(report.sites).to.have.length(SITES)
    expect(report.sites.every((site) => site.checks.find((c) => c.id === 'structure.stored')?.status === 'pass')).to.equal(true)
    // Each stored structure is about a megabyte; kept, forty of them would add ~40 MB.
    const growth = heap.at(-1)! - heap[4]!
    console.log(`      heap growth ${(growth / 1e6).toFixed(1)} MB over ${SITES - 5} sites`)
    expect(growth, `heap after each site (MB): ${heap.map((h) => (h / 1e6).toFixed(1)).join(' ')}`).to.be.lessThan(8e6)
  })
})
