import {expect} from 'chai'

import {
  contentTypesDataSchema,
  integrationSchema,
  paths,
  type StructurePayload,
  syncStatusSchema,
  updateStructureDataSchema,
} from '../../../src/lib/backend/contract.js'
import {patchIntegration, requests, type Sandbox, setSyncedCounts, startTestSandbox} from '../../helpers/sandbox.js'
import {bearer, call, expectError, expectOk, login} from './support.js'

const item = (label: string, count: number, enabled = true, fetchLimit = 100) => ({label, count, enabled, fetch_limit: fetchLimit})

const payload = (): StructurePayload => ({
  post_types: {post: item('Posts', 123), page: item('Pages', 12), product: item('Products', 456, false, 50)},
  taxonomies: {category: item('Categories', 25), post_tag: item('Tags', 102)},
  plugin_connection_enabled: true,
  two_way_sync_enabled: false,
  timestamp: '2025-11-22T10:00:00Z',
  site_url: 'http://wp.test',
  wordpress_version: '6.8.1',
})

describe('sandbox: structure and content types', () => {
  let sb: Sandbox
  let auth: string
  let id: number

  beforeEach(async () => {
    sb = await startTestSandbox()
    auth = bearer((await login(sb)).access)
    id = sb.credentials.sites[0]!.integrationId!
  })

  afterEach(async () => sb.close())

  it('answers empty content types before any push', async () => {
    const data = expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema)
    expect(data).to.deep.equal({post_types: {}, taxonomies: {}, plugin_connection_enabled: null, two_way_sync_enabled: null, last_structure_fetch: null})
  })

  it('stores a valid push and answers the counts and server time', async () => {
    const before = Date.now()
    const data = expectOk(await call(sb, 'POST', paths.updateStructure(id), {auth, body: payload()}), updateStructureDataSchema)
    expect(data).to.include({message: 'Site structure updated successfully', post_types_count: 3, taxonomies_count: 2})
    const fetched = Date.parse(data.last_structure_fetch!)
    expect(fetched).to.be.within(before - 1000, Date.now() + 1000)

    const types = expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema)
    expect(types.post_types?.product).to.deep.equal({...item('Products', 456, false, 50), synced_count: 0})
    expect(types).to.include({plugin_connection_enabled: true, two_way_sync_enabled: false, last_structure_fetch: data.last_structure_fetch})

    const integration = expectOk(await call(sb, 'GET', paths.integration(id), {auth}), integrationSchema)
    const stored = (integration.config_json as {content_types: Record<string, unknown>}).content_types
    expect(stored).to.deep.include({timestamp: '2025-11-22T10:00:00Z', site_url: 'http://wp.test', wordpress_version: '6.8.1', last_structure_fetch: data.last_structure_fetch})

    const log = await requests(sb, '/update-structure/')
    expect(log).to.have.length(1)
    expect(log[0]).to.deep.include({method: 'POST', status: 200, authScheme: 'Bearer', authKind: 'jwt'})
    // What was sent: the body as JSON text.
    const sent = JSON.stringify(payload())
    expect(log[0]!.body).to.deep.equal(JSON.parse(sent))
  })

  it('replaces the stored structure instead of merging it', async () => {
    await call(sb, 'POST', paths.updateStructure(id), {auth, body: payload()})
    const second = {...payload(), post_types: {post: item('Posts', 124)}, taxonomies: {}, plugin_connection_enabled: undefined, two_way_sync_enabled: undefined}
    const data = expectOk(await call(sb, 'POST', paths.updateStructure(id), {auth, body: second}), updateStructureDataSchema)
    expect(data).to.include({post_types_count: 1, taxonomies_count: 0})
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema)
    expect(Object.keys(types.post_types ?? {})).to.deep.equal(['post'])
    expect(types.taxonomies).to.deep.equal({})
    expect(types.plugin_connection_enabled).to.equal(null)
  })

  it('rejects an invalid push with 400 and field paths, storing nothing', async () => {
    const bad = payload() as unknown as {post_types: Record<string, Record<string, unknown>>; timestamp: unknown}
    bad.post_types.product!.count = -1
    bad.timestamp = 'yesterday'
    const body = expectError(await call(sb, 'POST', paths.updateStructure(id), {auth, body: bad}), 400, 'Validation failed')
    expect(body.errors).to.deep.equal({
      'post_types.product.count': ['expected a non-negative integer'],
      timestamp: ['expected an ISO-8601 date-time'],
    })
    const missing = expectError(await call(sb, 'POST', paths.updateStructure(id), {auth, body: {timestamp: '2025-11-22T10:00:00Z'}}), 400)
    expect(missing.errors).to.have.keys('post_types', 'taxonomies')
    const slug = expectError(await call(sb, 'POST', paths.updateStructure(id), {auth, body: {...payload(), taxonomies: {'Bad Slug': item('X', 1)}}}), 400)
    expect(Object.keys(slug.errors ?? {})).to.deep.equal(['taxonomies.Bad Slug'])
    expectError(await call(sb, 'POST', paths.updateStructure(id), {auth, raw: '{not json'}), 400)
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema)
    expect(types.last_structure_fetch).to.equal(null)
  })

  it('adds synced counts set through the control hook (default 0)', async () => {
    await call(sb, 'POST', paths.updateStructure(id), {auth, body: payload()})
    await setSyncedCounts(sb, id, {post_types: {post: 40}, taxonomies: {category: 3}})
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema)
    expect(types.post_types?.post?.synced_count).to.equal(40)
    expect(types.post_types?.page?.synced_count).to.equal(0)
    expect(types.taxonomies?.category?.synced_count).to.equal(3)
  })

  it('answers sync_status from the integration, and follows control patches', async () => {
    expect(expectOk(await call(sb, 'GET', paths.syncStatus(id), {auth}), syncStatusSchema)).to.deep.equal({
      sync_status: 'pending',
      last_sync_at: null,
      sync_error: null,
      is_active: true,
      sync_enabled: true,
    })
    await patchIntegration(sb, id, {is_active: false, sync_status: 'error', sync_error: 'boom', last_structure_fetch: '2020-01-01T00:00:00Z'})
    expect(expectOk(await call(sb, 'GET', paths.syncStatus(id), {auth}), syncStatusSchema)).to.include({is_active: false, sync_status: 'error', sync_error: 'boom'})
    expect(expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema).last_structure_fetch).to.equal('2020-01-01T00:00:00Z')
    await patchIntegration(sb, id, {content_types: {post_types: {post: item('Posts', 1)}, taxonomies: {}, last_structure_fetch: '2021-01-01T00:00:00Z'}})
    const types = expectOk(await call(sb, 'GET', paths.contentTypes(id), {auth}), contentTypesDataSchema)
    expect(types.post_types?.post).to.deep.equal({...item('Posts', 1), synced_count: 0})
    await patchIntegration(sb, id, {delete: true})
    expectError(await call(sb, 'GET', paths.integration(id), {auth}), 404)
    expect(sb.credentials.sites[0]!.integrationId).to.equal(null)
  })

  it('answers 404 for an unknown id or another account\'s integration', async () => {
    expectError(await call(sb, 'GET', paths.integration(4242), {auth}), 404)
    const answers = await Promise.all([paths.integration(9101), paths.contentTypes(9101), paths.syncStatus(9101)].map((path) => call(sb, 'GET', path, {auth})))
    for (const answer of answers) expectError(answer, 404)
    expectError(await call(sb, 'POST', paths.updateStructure(9101), {auth, body: payload()}), 404)
  })
})
