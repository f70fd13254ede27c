/**
 * The sync itself, with real processes: the project's real WordPress → `structure push` → the sandbox
 * backend → `content-types show`, plus the backend failures a push must survive or report truthfully.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import path from 'node:path'

import type {Sandbox} from '../../src/lib/sandbox/index.js'

import {runCli, tempConfigDir} from '../helpers/cli.js'
import {clearFaults, clearRequests, expireTokens, fault, patchIntegration, requests, startTestSandbox} from '../helpers/sandbox.js'
import {addPosts, ensureWordPress, type WordPressEnv} from '../helpers/wordpress.js'

type Counts = Record<string, Record<string, number>>

function countsOf(result: {post_types: Record<string, {count?: number}>; taxonomies: Record<string, {count?: number}>}): Counts {
  const pick = (items: Record<string, {count?: number}>) => Object.fromEntries(Object.entries(items).map(([slug, item]) => [slug, item.count ?? -1]))
  return {post_types: pick(result.post_types), taxonomies: pick(result.taxonomies)}
}

describe('e2e: structure push and content-types show', function () {
  this.timeout(120_000)
  let wp: WordPressEnv
  let sb: Sandbox
  let configDir: string
  let integrationId: number

  before(async function () {
    this.timeout(900_000)
    wp = await ensureWordPress()
    sb = await startTestSandbox({sites: 1, wpUrls: [wp.WP_URL]})
  })

  after(async () => {
    await sb?.close()
  })

  beforeEach(async () => {
    await clearFaults(sb)
    await clearRequests(sb)
    configDir = tempConfigDir()
    const site = sb.credentials.sites[0]!
    integrationId = site.integrationId!
    await patchIntegration(sb, integrationId, {content_types: {}})
    const connect = await runCli(['connect', '--email', sb.credentials.email, '--password-stdin'], {env: {IGNY8_API_URL: sb.apiUrl}, configDir, input: sb.credentials.password})
    expect(connect.code, connect.stderr).to.equal(0)
  })

  const cli = (args: string[], input?: string) => runCli(args, {configDir, input})

  it('pushes what WordPress has; content-types show then equals it, for every type and taxonomy', async () => {
    const gather = await cli(['structure', 'gather', '--json', '--source', 'rest'])
    expect(gather.code, gather.stderr).to.equal(0)
    const push = await cli(['structure', 'push', '--json', '--source', 'rest'])
    expect(push.code, push.stderr).to.equal(0)
    const pushed = push.json()
    expect(pushed.integrationId).to.equal(integrationId)
    expect(pushed.response).to.include({post_types_count: 3, taxonomies_count: 3})
    expect(pushed.response.last_structure_fetch).to.be.a('string')

    const show = await cli(['content-types', 'show', '--json'])
    expect(show.code, show.stderr).to.equal(0)
    const stored = show.json()
    expect(countsOf(stored)).to.deep.equal(countsOf(gather.json()))
    expect(countsOf(stored).post_types).to.deep.equal({page: Number(wp.EXPECT_PAGES), post: Number(wp.EXPECT_POSTS), product: Number(wp.EXPECT_PRODUCTS)})
    for (const kind of ['post_types', 'taxonomies'] as const) {
      for (const [slug, item] of Object.entries(gather.json()[kind] as Record<string, Record<string, unknown>>)) {
        expect(stored[kind][slug], `${kind}.${slug}`).to.deep.include({label: item.label, enabled: item.enabled, fetch_limit: item.fetch_limit})
      }
    }
  })

  it('a second push after new posts shows the new counts; --dry-run showed exactly that change and sent nothing', async () => {
    expect((await cli(['structure', 'push', '--source', 'rest'])).code).to.equal(0)
    const total = await addPosts(2)
    await clearRequests(sb)

    const dry = await cli(['structure', 'push', '--dry-run', '--json', '--source', 'rest'])
    expect(dry.code, dry.stderr).to.equal(0)
    const result = dry.json()
    expect(result.dryRun).to.equal(true)
    expect(result.diff).to.deep.equal([{kind: 'post_types', slug: 'post', field: 'count', backend: total - 2, wordpress: total}])
    expect(await requests(sb, 'update-structure')).to.have.length(0)

    const human = await cli(['structure', 'push', '--dry-run', '--source', 'rest'])
    expect(human.stdout).to.include(`post type post: count ${total - 2} → ${total}`)

    expect((await cli(['structure', 'push', '--source', 'rest'])).code).to.equal(0)
    const show = (await cli(['content-types', 'show', '--json'])).json()
    expect(show.post_types.post.count).to.equal(total)
  })

  it('dry-run against an empty backend lists every slug as new', async () => {
    const dry = (await cli(['structure', 'push', '--dry-run', '--json', '--source', 'rest'])).json()
    expect(dry.diff.filter((d: {field: string}) => d.field === 'exists').map((d: {slug: string}) => d.slug).sort()).to.deep.equal(
      ['category', 'page', 'post', 'post_tag', 'product', 'product_cat'],
    )
  })

  it('pushes a saved file, and rejects an invalid one before sending anything (exit 2, naming the field)', async () => {
    const file = path.join(configDir, 'structure.json')
    expect((await cli(['structure', 'gather', '--source', 'rest', '--output', file])).code).to.equal(0)
    const ok = await cli(['structure', 'push', '--from-file', file, '--json'])
    expect(ok.code, ok.stderr).to.equal(0)

    const broken = JSON.parse(fs.readFileSync(file, 'utf8'))
    broken.post_types.product.count = -3
    fs.writeFileSync(file, JSON.stringify(broken))
    await clearRequests(sb)
    const bad = await cli(['structure', 'push', '--from-file', file])
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.include('post_types.product.count: expected a non-negative integer')
    expect(await requests(sb)).to.have.length(0)

    const stdin = await cli(['structure', 'push', '--from-file', '-', '--json'], JSON.stringify({...broken, post_types: {post: {label: 'Posts', count: 1, enabled: true, fetch_limit: 100}}}))
    expect(stdin.code, stdin.stderr).to.equal(0)
    expect(stdin.json().response.post_types_count).to.equal(1)
  })

  it('503 once, then success: one success reported', async () => {
    await fault(sb, {path: 'update-structure', status: 503, body: {success: false, error: 'Service unavailable'}})
    const push = await cli(['structure', 'push', '--json', '--source', 'rest'])
    expect(push.code, push.stderr).to.equal(0)
    const posts = await requests(sb, 'update-structure')
    expect(posts.map((r) => r.status)).to.deep.equal([503, 200])
  })

  it('429 with Retry-After is honoured', async () => {
    await fault(sb, {path: 'update-structure', status: 429, headers: {'Retry-After': '1'}, body: {success: false, error: 'Request was throttled.'}})
    const started = Date.now()
    const push = await cli(['structure', 'push', '--source', 'rest'])
    expect(push.code, push.stderr).to.equal(0)
    const posts = await requests(sb, 'update-structure')
    expect(posts).to.have.length(2)
    expect(Date.parse(posts[1]!.time) - Date.parse(posts[0]!.time)).to.be.greaterThanOrEqual(950)
    expect(Date.now() - started).to.be.greaterThanOrEqual(1000)
  })

  it('shows the backend\'s 400 validation errors per field (exit 2)', async () => {
    await fault(sb, {
      path: 'update-structure',
      status: 400,
      body: {success: false, error: 'Validation failed', errors: {'post_types.product.fetch_limit': ['Ensure this value is less than or equal to 500.']}, request_id: 'req-400'},
    })
    const push = await cli(['structure', 'push', '--source', 'rest'])
    expect(push.code).to.equal(2)
    expect(push.stderr).to.include('post_types.product.fetch_limit: Ensure this value is less than or equal to 500.')
    expect(push.stderr).to.include('req-400')
  })

  it('an unknown integration is exit 3 with a hint', async () => {
    const push = await cli(['structure', 'push', '--integration', '98765', '--source', 'rest', '--json'])
    expect(push.code).to.equal(3)
    expect(push.json().error).to.include({code: 'integration_not_found'})
    expect(push.json().error.hint).to.include('igny8 connect')
  })

  it('refreshes an expired token in the middle of the command', async () => {
    await expireTokens(sb, 'access')
    const push = await cli(['structure', 'push', '--source', 'rest', '--json'])
    expect(push.code, push.stderr).to.equal(0)
    const log = await requests(sb)
    expect(log.some((r) => r.path.includes('refresh'))).to.equal(true)
  })

  it('a proxy\'s HTML 502 page is exit 6 and says it was HTML', async () => {
    await fault(sb, {path: 'update-structure', status: 502, times: 10, contentType: 'text/html', body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'})
    const push = await cli(['structure', 'push', '--source', 'rest'])
    expect(push.code).to.equal(6)
    const errors = push.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errors).to.have.length(1)
    expect(errors[0]).to.match(/HTTP 502, an HTML error page/)
    expect(push.stderr).to.not.match(/\n\s+at /)
  })
})
