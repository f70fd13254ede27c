import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'

const HOST = 'https://api.igny8.test'

describe('content-types show', () => {
  beforeEach(() => {
    process.env.IGNY8_API_URL = `${HOST}/api/v1`
    process.env.IGNY8_API_KEY = 'igny8_unit_key'
    process.env.IGNY8_INTEGRATION_ID = '7'
  })

  it('keeps fields the backend adds, per item and at the top level', async () => {
    nock(HOST)
      .get('/api/v1/integration/integrations/7/content-types/')
      .reply(200, {
        success: true,
        data: {
          post_types: {post: {label: 'Posts', count: 3, enabled: true, fetch_limit: 100, synced_count: 2, last_synced_at: '2026-01-01T00:00:00Z'}},
          taxonomies: {},
          last_structure_fetch: '2026-01-01T00:00:00Z',
          sync_summary: {total: 2},
        },
      })
    const {stdout, error} = await runCommand(['content-types', 'show', '--json'])
    expect(error).to.equal(undefined)
    const result = JSON.parse(stdout)
    expect(result.post_types.post.last_synced_at).to.equal('2026-01-01T00:00:00Z')
    expect(result.sync_summary).to.deep.equal({total: 2})
    expect(result).to.deep.include({integrationId: 7, plugin_connection_enabled: null, two_way_sync_enabled: null})
  })

  it('treats a backend that omits the parts as "nothing stored"', async () => {
    nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: {}})
    const {stdout, error} = await runCommand(['content-types', 'show'])
    expect(error).to.equal(undefined)
    expect(stdout).to.include('holds no site structure yet')
  })

  it('exits 3 when no integration is chosen anywhere', async () => {
    delete process.env.IGNY8_INTEGRATION_ID
    const {stderr, error} = await runCommand(['content-types', 'show'])
    expect(error?.oclif?.exit).to.equal(3)
    expect(stderr).to.include('No WordPress integration is chosen')
  })

  it('exits 7 when content-types answers a wrong shape', async () => {
    nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: {post_types: [1, 2]}})
    const {stderr, error} = await runCommand(['content-types', 'show'])
    expect(error?.oclif?.exit).to.equal(7)
    expect(stderr).to.include('expected a content-types object')
  })
})
