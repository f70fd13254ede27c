import {runCommand} from '@oclif/test'
import {expect} from 'chai'
import nock from 'nock'

import {setStdoutTTY} from '../../helpers/tty.js'

const HOST = 'https://api.igny8.test'

/** What the backend stores: two post types (one with synced counts) and a taxonomy. */
function stored(): void {
  nock(HOST)
    .get('/api/v1/integration/integrations/7/content-types/')
    .reply(200, {
      success: true,
      data: {
        post_types: {
          post: {label: 'Posts', count: 123, enabled: true, fetch_limit: 100, synced_count: 40},
          product: {label: 'Products, "all"', count: 45, enabled: false, fetch_limit: 50},
        },
        taxonomies: {category: {label: 'Categories', count: 25, enabled: true, fetch_limit: 100, synced_count: 25}},
        plugin_connection_enabled: true,
        two_way_sync_enabled: false,
        last_structure_fetch: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      },
    })
}

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

  it('treats a well-formed empty answer as "nothing stored" (on a terminal: said on stdout)', async () => {
    nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: {post_types: {}, taxonomies: {}}})
    const restore = setStdoutTTY(true)
    const {stdout, error} = await runCommand(['content-types', 'show']).finally(restore)
    expect(error).to.equal(undefined)
    expect(stdout).to.include('holds no site structure yet')
  })

  it('exits 7, never "nothing stored", when the answer holds none of the content-types fields', async () => {
    nock(HOST).get('/api/v1/integration/integrations/7/content-types/').reply(200, {success: true, data: {}})
    const {stdout, stderr, error} = await runCommand(['content-types', 'show'])
    expect(error?.oclif?.exit).to.equal(7)
    expect(stdout).to.not.include('holds no site structure')
    expect(stderr).to.include('holds none of post_types, taxonomies')
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

  describe('output: the report on a terminal, rows in a pipe or with --format', () => {
    describe('on a terminal', () => {
      let restore: () => void

      beforeEach(() => {
        restore = setStdoutTTY(true)
      })

      afterEach(() => restore())

      it('no --format: the report, two box-drawn tables and when the structure was last pushed', async () => {
        stored()
        const {stdout, error} = await runCommand(['content-types', 'show'])
        expect(error).to.equal(undefined)
        expect(stdout).to.match(/^Integration 7 · plugin connection on · two-way sync off\n\nPost types\n┌/)
        expect(stdout).to.match(/│ post\s+│ Posts\s+│\s+123 │\s+40 │ yes\s+│\s+100 │/)
        expect(stdout).to.match(/Structure last pushed .* \(2 h ago\)\.\n$/)
      })

      it('--fields alone: a table of those columns', async () => {
        stored()
        const {stdout, error} = await runCommand(['content-types', 'show', '--fields', 'slug,synced_count'])
        expect(error).to.equal(undefined)
        expect(stdout.split('\n').slice(0, 4)).to.deep.equal(['┌──────────┬──────────────┐', '│ slug     │ synced_count │', '├──────────┼──────────────┤', '│ post     │           40 │'])
        expect(stdout).to.include('│ product  │            - │')
      })

      it('--format tsv is obeyed on a terminal too, with a header', async () => {
        stored()
        const {stdout} = await runCommand(['content-types', 'show', '--format', 'tsv', '--fields', 'kind,slug'])
        expect(stdout).to.equal('kind\tslug\npost_type\tpost\npost_type\tproduct\ntaxonomy\tcategory\n')
      })
    })

    describe('in a pipe (stdout not a terminal)', () => {
      let restore: () => void

      beforeEach(() => {
        restore = setStdoutTTY(false)
      })

      afterEach(() => restore())

      it('no --format: tab-separated rows without a header, no box drawing or colour; the rest on stderr', async () => {
        stored()
        const {stdout, stderr, error} = await runCommand(['content-types', 'show'])
        expect(error).to.equal(undefined)
        expect(stdout).to.equal(
          ['post_type\tpost\tPosts\t123\t40\ttrue\t100', 'post_type\tproduct\tProducts, "all"\t45\t\tfalse\t50', 'taxonomy\tcategory\tCategories\t25\t25\ttrue\t100', ''].join('\n'),
        )
        expect(stderr).to.include('Integration 7 · plugin connection on · two-way sync off')
        expect(stderr).to.match(/Structure last pushed .* \(2 h ago\)\./)
      })

      it('nothing stored: no rows on stdout, the explanation on stderr', async () => {
        nock(HOST)
          .get('/api/v1/integration/integrations/7/content-types/')
          .reply(200, {success: true, data: {post_types: {}, taxonomies: {}, last_structure_fetch: null}})
        const {stdout, stderr, error} = await runCommand(['content-types', 'show'])
        expect(error).to.equal(undefined)
        expect(stdout).to.equal('')
        expect(stderr).to.include('Integration 7 holds no site structure yet').and.include('igny8 structure push')
      })

      it('--format csv: a header, then RFC 4180 rows', async () => {
        stored()
        const {stdout} = await runCommand(['content-types', 'show', '--format', 'csv'])
        expect(stdout).to.equal(
          [
            'kind,slug,label,count,synced_count,enabled,fetch_limit',
            'post_type,post,Posts,123,40,true,100',
            'post_type,product,"Products, ""all""",45,,false,50',
            'taxonomy,category,Categories,25,25,true,100',
            '',
          ].join('\n'),
        )
      })

      it('--format json: the rows as a JSON array (not the --json document)', async () => {
        stored()
        const {stdout} = await runCommand(['content-types', 'show', '--format', 'json', '--fields', 'slug,count,synced_count,enabled'])
        expect(JSON.parse(stdout)).to.deep.equal([
          {slug: 'post', count: 123, synced_count: 40, enabled: true},
          {slug: 'product', count: 45, synced_count: null, enabled: false},
          {slug: 'category', count: 25, synced_count: 25, enabled: true},
        ])
      })

      it('--format yaml: a list of mappings, strings quoted when needed', async () => {
        stored()
        const {stdout} = await runCommand(['content-types', 'show', '--format', 'yaml', '--fields', 'slug,label,count'])
        expect(stdout).to.equal(
          ['- slug: post', '  label: Posts', '  count: 123', '- slug: product', '  label: Products, "all"', '  count: 45', '- slug: category', '  label: Categories', '  count: 25', ''].join('\n'),
        )
      })

      it('--format tsv: with a header; --format table: box-drawn even in a pipe', async () => {
        stored()
        const tsv = await runCommand(['content-types', 'show', '--format', 'tsv', '--fields', 'fetch_limit,slug'])
        expect(tsv.stdout.split('\n').slice(0, 2)).to.deep.equal(['fetch_limit\tslug', '100\tpost'])
        stored()
        const table = await runCommand(['content-types', 'show', '--format', 'table', '--fields', 'kind,slug'])
        expect(table.stdout).to.match(/^┌─+┬─+┐\n│ kind\s+│ slug\s+│\n/)
        expect(table.stdout).to.include('│ taxonomy  │ category │')
      })

      it('an unknown --fields field, --format with --json, or an unknown format exits 2 before anything is sent', async () => {
        const unknown = await runCommand(['content-types', 'show', '--fields', 'slug,size'])
        expect(unknown.error?.oclif?.exit).to.equal(2)
        expect(unknown.stderr).to.include('Unknown field "size" for --fields: the fields are kind, slug, label, count, synced_count, enabled, fetch_limit.')
        const both = await runCommand(['content-types', 'show', '--format', 'json', '--json'])
        expect(both.error?.oclif?.exit).to.equal(2)
        expect(JSON.parse(both.stdout).error.message).to.match(/^--format cannot be used with --json/)
        const bad = await runCommand(['content-types', 'show', '--format', 'xml'])
        expect(bad.error?.oclif?.exit).to.equal(2)
      })
    })
  })
})
