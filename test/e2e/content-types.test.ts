/**
 * content-types show as a real process against the sandbox: the empty state, a stored structure with
 * synced counts, fields the backend adds, staleness, and an unknown integration.
 */
import {expect} from 'chai'

import type {Sandbox} from '../../src/lib/sandbox/index.js'

import {runCli, tempConfigDir} from '../helpers/cli.js'
import {patchIntegration, setSyncedCounts, startTestSandbox} from '../helpers/sandbox.js'

describe('e2e: content-types show', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let configDir: string

  before(async () => {
    sb = await startTestSandbox({sites: 2})
  })

  after(async () => {
    await sb?.close()
  })

  beforeEach(async () => {
    configDir = tempConfigDir()
    const site = sb.credentials.sites[0]!
    const connect = await runCli(['connect', '--api-key-stdin'], {env: {IGNY8_API_URL: sb.apiUrl}, configDir, input: site.apiKey})
    expect(connect.code, connect.stderr).to.equal(0)
  })

  const show = (args: string[] = []) => runCli(['content-types', 'show', ...args], {configDir})

  it('says clearly that nothing is stored yet, and how to fix it (exit 0); in a pipe no rows on stdout, the words on stderr', async () => {
    const run = await show()
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.equal('')
    expect(run.stderr).to.include('holds no site structure yet')
    expect(run.stderr).to.include('igny8 structure push')
    const json = (await show(['--json'])).json()
    expect(json).to.deep.include({integrationId: sb.credentials.sites[0]!.integrationId, post_types: {}, taxonomies: {}, last_structure_fetch: null})
  })

  it('shows WordPress and synced counts side by side', async () => {
    const site = sb.credentials.sites[0]!
    const integrationId = site.integrationId!
    const push = await fetch(`${sb.apiUrl}/integration/integrations/${integrationId}/update-structure/`, {
      method: 'POST',
      headers: {authorization: `Bearer ${site.apiKey}`, 'content-type': 'application/json'},
      body: JSON.stringify({
        post_types: {post: {label: 'Posts', count: 123, enabled: true, fetch_limit: 100}, product: {label: 'Products', count: 45, enabled: false, fetch_limit: 50}},
        taxonomies: {category: {label: 'Categories', count: 25, enabled: true, fetch_limit: 100}},
        plugin_connection_enabled: true,
        two_way_sync_enabled: false,
        timestamp: new Date().toISOString(),
      }),
    })
    expect(push.status).to.equal(200)
    await setSyncedCounts(sb, integrationId, {post_types: {post: 40}})

    const json = (await show(['--json'])).json()
    expect(json.post_types.post).to.deep.include({label: 'Posts', count: 123, enabled: true, fetch_limit: 100, synced_count: 40})
    expect(json.taxonomies.category.count).to.equal(25)
    expect(json.plugin_connection_enabled).to.equal(true)
    expect(json.two_way_sync_enabled).to.equal(false)
    expect(json.last_structure_fetch).to.be.a('string')

    // A pipe: tab-separated rows without a header, no box drawing or colour; the rest on stderr.
    const piped = await show()
    expect(piped.code).to.equal(0)
    expect(piped.stdout).to.equal(
      ['post_type\tpost\tPosts\t123\t40\ttrue\t100', 'post_type\tproduct\tProducts\t45\t0\tfalse\t50', 'taxonomy\tcategory\tCategories\t25\t0\ttrue\t100', ''].join('\n'),
    )
    expect(piped.stderr).to.include('Structure last pushed')
    // eslint-disable-next-line no-control-regex -- matches terminal colour codes
    expect(piped.stdout + piped.stderr).to.not.match(/\u001B\[/)

    // --format table: the box-drawn table, asked for.
    const table = await show(['--format', 'table', '--fields', 'slug,count,synced_count'])
    expect(table.stdout).to.match(/│ post\s+│\s+123 │\s+40 │/)
  })

  it('warns when the structure is older than 26 h', async () => {
    const integrationId = sb.credentials.sites[0]!.integrationId!
    await patchIntegration(sb, integrationId, {
      content_types: {post_types: {post: {label: 'Posts', count: 1, enabled: true, fetch_limit: 100}}, taxonomies: {}},
      last_structure_fetch: new Date(Date.now() - 50 * 3600 * 1000).toISOString(),
    })
    const run = await show()
    expect(run.code).to.equal(0)
    expect(run.stderr).to.match(/Warning: The structure is 2 days old/)
  })

  it('exits 3 with a hint for an unknown integration', async () => {
    const run = await show(['--integration', '424242'])
    expect(run.code).to.equal(3)
    expect(run.stderr).to.include('Integration 424242 was not found')
    const json = await show(['--integration', '424242', '--json'])
    expect(json.json().error).to.include({code: 'integration_not_found', exitCode: 3})
  })
})
