/**
 * The site resolver (connection/site-target.ts): a site id of the login → its WordPress integration and
 * that integration's WordPress URL, its errors, and `--site` on `structure gather`, `structure push` and
 * `content-types show`, plus the WordPress URL of a run configured by the environment alone.
 */
import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'

import type {CliError} from '../../../src/lib/errors.js'

import {BackendClient} from '../../../src/lib/backend/client.js'
import {integrationTarget, isOwnSite, resolveSiteTarget, siteWordPressUrl} from '../../../src/lib/connection/site-target.js'
import {defaultHttpSettings} from '../../../src/lib/http/http-client.js'
import {EXPECTED_POST_TYPES, fakeSite, SITE} from '../wordpress/fake-site.js'

const HOST = 'https://api.igny8.test'
const API = `${HOST}/api/v1`

const client = () => new BackendClient({apiUrl: API, auth: {kind: 'api-key', key: 'igny8_unit_key'}, http: defaultHttpSettings('igny8-test')})

const SITES = [
  {id: 1, name: 'Alpha', domain: 'alpha.example'},
  {id: 2, name: 'Beta', domain: 'beta.example', wp_url: 'https://blog.beta.example'},
  {id: 3, name: 'Gamma'},
]

function sitesList(): void {
  nock(HOST).get('/api/v1/auth/sites/').reply(200, {success: true, count: SITES.length, next: null, results: SITES})
}

function integrations(siteId: number, rows: Array<Record<string, unknown>>): void {
  nock(HOST)
    .get('/api/v1/integration/integrations/')
    .query({site: String(siteId), site_id: String(siteId), platform: 'wordpress'})
    .reply(200, {success: true, count: rows.length, next: null, results: rows})
}

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise
  } catch (error) {
    return error as CliError
  }

  throw new Error('expected a rejection')
}

describe('site resolver', () => {
  it('site id → the site, its first WordPress integration and that integration\'s WordPress URL', async () => {
    sitesList()
    integrations(2, [
      {id: 21, site: 2, platform: 'wordpress', external_site_url: 'https://beta.example/wp', is_active: false},
      {id: 22, site: 2, platform: 'wordpress', external_site_url: 'https://other.example'},
    ])
    const target = await resolveSiteTarget(client(), 2)
    expect(target.site.name).to.equal('Beta')
    expect(target.integrationId).to.equal(21)
    expect(target.wordpressUrl).to.equal('https://beta.example/wp')
  })

  it('the WordPress URL: external_site_url, else site_url, else the site\'s wp_url, else https://<domain>', () => {
    const row = {id: 1, platform: 'wordpress'}
    expect(siteWordPressUrl({...row, external_site_url: 'https://a.example', site_url: 'https://b.example'}, SITES[1])).to.equal('https://a.example')
    expect(siteWordPressUrl({...row, site_url: 'https://b.example'}, SITES[1])).to.equal('https://b.example')
    expect(siteWordPressUrl(row, SITES[1])).to.equal('https://blog.beta.example')
    expect(siteWordPressUrl(row, {id: 9, name: 'W', domain: 'WWW.Example.com/'})).to.equal('https://example.com')
    expect(siteWordPressUrl(row, SITES[2])).to.equal(undefined)
  })

  it('a site the login cannot see: exit 2, listing the sites it sees and how to see them all', async () => {
    sitesList()
    const error = await rejection(resolveSiteTarget(client(), 42))
    expect(error).to.include({exitCode: 2, code: 'site_not_found'})
    expect(error.message).to.equal('Site 42 is not a site this login can see (it sees 1 "Alpha" (alpha.example); 2 "Beta" (beta.example); 3 "Gamma").')
    expect(error.hint).to.include('igny8 integration check --all-sites')
  })

  it('a site without a WordPress integration: exit 3 with a hint', async () => {
    sitesList()
    integrations(3, [])
    const error = await rejection(resolveSiteTarget(client(), 3))
    expect(error).to.include({exitCode: 3, code: 'no_integration', message: 'Site 3 "Gamma" has no WordPress integration.'})
    expect(error.hint).to.include('IGNY8 WordPress plugin')
  })

  it('an integration chosen by flag or environment is used when it is the site\'s, refused (exit 2) when it is another site\'s', async () => {
    nock(HOST).get('/api/v1/integration/integrations/12/').reply(200, {success: true, data: {id: 12, site: 1, platform: 'wordpress', external_site_url: SITE}})
    const own = await resolveSiteTarget(client(), 1, {sites: SITES, integrationId: 12})
    expect(own).to.deep.include({integrationId: 12, wordpressUrl: SITE})

    nock(HOST).get('/api/v1/integration/integrations/31/').reply(200, {success: true, data: {id: 31, site: 3, platform: 'wordpress'}})
    const error = await rejection(resolveSiteTarget(client(), 1, {sites: SITES, integrationId: 31}))
    expect(error).to.include({exitCode: 2, code: 'integration_site_mismatch', message: 'Integration 31 belongs to site 3, not to site 1 "Alpha".'})
  })

  it('an integration chosen by id: its URL, or its site\'s when it has none', async () => {
    nock(HOST).get('/api/v1/integration/integrations/22/').reply(200, {success: true, data: {id: 22, site: 2, platform: 'wordpress', external_site_url: null}})
    sitesList()
    expect((await integrationTarget(client(), 22)).wordpressUrl).to.equal('https://blog.beta.example')
  })

  it('the configured credentials belong to the profile\'s site, or to the one site a site API key sees', () => {
    expect(isOwnSite({id: 1}, {profileSiteId: 1, authMethod: 'jwt', visibleSites: 5})).to.equal(true)
    expect(isOwnSite({id: 2}, {profileSiteId: 1, authMethod: 'jwt', visibleSites: 5})).to.equal(false)
    expect(isOwnSite({id: 2}, {authMethod: 'api-key', visibleSites: 1})).to.equal(true)
    expect(isOwnSite({id: 2}, {authMethod: 'api-key', visibleSites: 2})).to.equal(false)
  })

  describe('--site on the commands', () => {
    beforeEach(() => {
      process.env.IGNY8_API_URL = API
      process.env.IGNY8_API_KEY = 'igny8_unit_key'
    })

    it('content-types show --site: the site\'s integration', async () => {
      sitesList()
      integrations(2, [{id: 22, site: 2, platform: 'wordpress'}])
      nock(HOST).get('/api/v1/integration/integrations/22/content-types/').reply(200, {success: true, data: {post_types: {}, taxonomies: {}}})
      const {stdout, error} = await runCommand(['content-types', 'show', '--site', '2', '--json'])
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout).integrationId).to.equal(22)
    })

    it('content-types show --site of an unknown site: exit 2; IGNY8_INTEGRATION_ID still wins over the site\'s integration', async () => {
      sitesList()
      const unknown = await runCommand(['content-types', 'show', '--site', '9'])
      expect(unknown.error?.oclif?.exit).to.equal(2)
      expect(unknown.stderr).to.include('Site 9 is not a site this login can see')

      process.env.IGNY8_INTEGRATION_ID = '12'
      sitesList()
      nock(HOST).get('/api/v1/integration/integrations/12/').reply(200, {success: true, data: {id: 12, site: 1, platform: 'wordpress'}})
      nock(HOST).get('/api/v1/integration/integrations/12/content-types/').reply(200, {success: true, data: {post_types: {}, taxonomies: {}}})
      const {stdout, error} = await runCommand(['content-types', 'show', '--site', '1', '--json'])
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout).integrationId).to.equal(12)
    })

    it('structure gather --site: reads the integration\'s WordPress URL; --wp-url still wins', async () => {
      sitesList()
      integrations(1, [{id: 11, site: 1, platform: 'wordpress', external_site_url: SITE}])
      fakeSite()
      const {stdout, stderr, error} = await runCommand(['structure', 'gather', '--site', '1', '--source', 'rest', '--json'])
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout).post_types).to.deep.equal(EXPECTED_POST_TYPES)
      expect(stderr).to.equal('')

      sitesList()
      integrations(1, [{id: 11, site: 1, platform: 'wordpress', external_site_url: 'https://elsewhere.example'}])
      fakeSite()
      const named = await runCommand(['structure', 'gather', '--site', '1', '--wp-url', SITE, '--source', 'rest', '--json'])
      expect(named.error).to.equal(undefined)
    })

    it('structure push --site: gathers the site\'s WordPress and pushes to its integration, not the configured one', async () => {
      process.env.IGNY8_INTEGRATION_ID = '7'
      sitesList()
      nock(HOST).get('/api/v1/integration/integrations/7/').reply(200, {success: true, data: {id: 7, site: 1, platform: 'wordpress'}})
      const mismatch = await runCommand(['structure', 'push', '--site', '2'])
      expect(mismatch.error?.oclif?.exit).to.equal(2)

      delete process.env.IGNY8_INTEGRATION_ID
      sitesList()
      integrations(2, [{id: 22, site: 2, platform: 'wordpress', external_site_url: SITE}])
      fakeSite()
      nock(HOST)
        .post('/api/v1/integration/integrations/22/update-structure/')
        .reply(200, {success: true, data: {post_types_count: 3, taxonomies_count: 3}})
      const {stdout, error} = await runCommand(['structure', 'push', '--site', '2', '--source', 'rest', '--json'])
      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout).integrationId).to.equal(22)
    })

    it('a run configured by the environment alone takes the WordPress URL from its integration (no --wp-url)', async () => {
      process.env.IGNY8_INTEGRATION_ID = '7'
      nock(HOST).get('/api/v1/integration/integrations/7/').reply(200, {success: true, data: {id: 7, site: 1, platform: 'wordpress', external_site_url: SITE}})
      fakeSite()
      const gather = await runCommand(['structure', 'gather', '--source', 'rest', '--json'])
      expect(gather.error).to.equal(undefined)
      expect(JSON.parse(gather.stdout).site_url).to.equal(SITE)

      nock(HOST).get('/api/v1/integration/integrations/7/').reply(200, {success: true, data: {id: 7, site: 1, platform: 'wordpress', external_site_url: SITE}})
      fakeSite()
      nock(HOST).post('/api/v1/integration/integrations/7/update-structure/').reply(200, {success: true, data: {post_types_count: 3, taxonomies_count: 3}})
      const push = await runCommand(['structure', 'push', '--source', 'rest'])
      expect(push.error).to.equal(undefined)
      expect(push.stderr).to.include(`WordPress URL from integration 7: ${SITE}/`)
    })

    it('without credentials or an integration the gather still asks for a WordPress URL (exit 3)', async () => {
      const {stderr, error} = await runCommand(['structure', 'gather'])
      expect(error?.oclif?.exit).to.equal(3)
      expect(stderr).to.include('No WordPress URL')
    })
  })
})
