/**
 * `igny8 structure gather` as a real process (built dist) against a real WordPress 6.1 from
 * scripts/wordpress.sh: seeded counts, REST-hidden fixtures, plain permalinks, application passwords,
 * the lab's REST modes (on, strict, auth, off). Run `npm run build` first.
 */
import {expect} from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {structurePayloadSchema} from '../../src/lib/backend/contract.js'
import {allOutputs, type CliRun, ROOT, runCli} from '../helpers/cli.js'
import {ensureWordPress, withPermalinks, withRestMode, type WordPressEnv} from '../helpers/wordpress.js'

/** The counts of a gather result, by slug. */
function counts(result: {post_types: Record<string, {count: number}>; taxonomies: Record<string, {count: number}>}) {
  const pick = (items: Record<string, {count: number}>) => Object.fromEntries(Object.entries(items).map(([slug, item]) => [slug, item.count]))
  return {post_types: pick(result.post_types), taxonomies: pick(result.taxonomies)}
}

describe('e2e: structure gather against a real WordPress', function () {
  this.timeout(120_000)
  let wp: WordPressEnv

  before(async function () {
    this.timeout(900_000)
    if (!fs.existsSync(path.join(ROOT, 'dist', 'commands', 'structure', 'gather.js'))) throw new Error('dist is missing: run `npm run build` first')
    wp = await ensureWordPress()
  })

  const gather = (args: string[] = [], input?: string): Promise<CliRun> =>
    runCli(['structure', 'gather', '--wp-url', wp.WP_URL, ...args], {input, env: {IGNY8_HTTP_RETRIES: '1'}})

  const expected = () => ({
    post_types: {post: Number(wp.EXPECT_POSTS), page: Number(wp.EXPECT_PAGES), product: Number(wp.EXPECT_PRODUCTS)},
    taxonomies: {category: Number(wp.EXPECT_CATEGORIES), post_tag: Number(wp.EXPECT_TAGS), product_cat: Number(wp.EXPECT_PRODUCT_CATS)},
  })

  it('counts every included type and taxonomy exactly as seeded; --json is one document', async () => {
    const run = await gather(['--json'])
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stderr).to.equal('')
    const result = run.json()
    expect(counts(result)).to.deep.equal(expected())
    expect(result.post_types.post).to.deep.equal({label: 'Posts', count: Number(wp.EXPECT_POSTS), enabled: true, fetch_limit: 100})
    expect(result.post_types.product).to.include({label: 'Products', enabled: false, fetch_limit: 50})
    expect(result.taxonomies.product_cat).to.include({label: 'Product categories', enabled: false, fetch_limit: 50})
    expect(result.site_url).to.equal(wp.WP_URL)
    expect(result.wordpress_version).to.equal(wp.WP_VERSION)
    expect(result.post_types).to.not.have.any.keys('private_thing', 'attachment', 'wp_block', 'nav_menu_item')
    expect(result.taxonomies).to.not.have.any.keys('internal_label', 'nav_menu')
    expect(result.warnings.join('\n')).to.include('hidden from the REST API (show_in_rest false) cannot be seen')
    expect(structurePayloadSchema.safeParse(result).success).to.equal(true)
  })

  it('prints tab-separated rows in a pipe, where it read from, and the warning about what REST hides', async () => {
    const run = await gather()
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout.split('\n')).to.include(`post_type\tpost\tPosts\t${wp.EXPECT_POSTS}\ttrue\t100`)
    expect(run.stdout.split('\n')).to.include(`taxonomy\tproduct_cat\tProduct categories\t${wp.EXPECT_PRODUCT_CATS}\tfalse\t50`)
    expect(run.stdout).to.not.match(/[│┌]/)
    expect(run.stdout).to.not.include('private_thing').and.not.include('internal_label')
    expect(run.stderr).to.match(/Read from core REST at http:\/\/127\.0\.0\.1:\d+\/wp-json\/ \(found via the Link header\) anonymously: 10 requests in \d+\.\d\d s\./)
    expect(run.stderr).to.include('Warning: Post types and taxonomies hidden from the REST API')
    // eslint-disable-next-line no-control-regex -- matches terminal colour codes
    expect(run.stdout + run.stderr).to.not.match(/\u001B\[/)
  })

  it('writes --output atomically, a file structurePayloadSchema accepts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'igny8-gather-e2e-'))
    try {
      const file = path.join(dir, 'structure.json')
      const run = await runCli(['gather-structure', '--wp-url', wp.WP_URL, '--output', file, '--enable', 'product', '--fetch-limit', 'product=200'])
      expect(run.code, run.stderr).to.equal(0)
      const written = JSON.parse(fs.readFileSync(file, 'utf8'))
      expect(structurePayloadSchema.safeParse(written).success).to.equal(true)
      expect(written.post_types.product).to.deep.equal({label: 'Products', count: Number(wp.EXPECT_PRODUCTS), enabled: true, fetch_limit: 200})
      expect(fs.readdirSync(dir)).to.deep.equal(['structure.json'])
    } finally {
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })

  it('gives the same result one request at a time (--concurrency 1)', async () => {
    const run = await gather(['--json', '--concurrency', '1'])
    expect(run.code, run.stderr).to.equal(0)
    expect(counts(run.json())).to.deep.equal(expected())
  })

  it('works with plain permalinks through ?rest_route=', async () => {
    await withPermalinks('plain', async () => {
      const run = await gather()
      expect(run.code, run.stderr).to.equal(0)
      expect(run.stderr).to.match(/Read from core REST at http:\/\/127\.0\.0\.1:\d+\/(index\.php)?\?rest_route=\//)
      const json = await gather(['--json'])
      expect(counts(json.json())).to.deep.equal(expected())
    })
  })

  it('counts the same published items with the admin\'s application password as anonymously', async () => {
    const run = await gather(['--json', '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], wp.WP_APP_PASSWORD + '\n')
    expect(run.code, run.stderr).to.equal(0)
    expect(counts(run.json())).to.deep.equal(expected())
    const human = await gather(['--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], wp.WP_APP_PASSWORD)
    expect(human.stderr).to.include(`as WordPress user "${wp.WP_ADMIN_USER}": 11 requests`)
  })

  it('accepts a subscriber\'s application password from the environment', async () => {
    const run = await runCli(['structure', 'gather', '--wp-url', wp.WP_URL, '--json'], {
      env: {IGNY8_WP_USER: wp.WP_SUBSCRIBER_USER, IGNY8_WP_APP_PASSWORD: wp.WP_SUBSCRIBER_APP_PASSWORD},
    })
    expect(run.code, run.stderr).to.equal(0)
    expect(counts(run.json())).to.deep.equal(expected())
  })

  for (const mode of ['on', 'strict'] as const) {
    it(`exits 4 for a wrong application password (rest-mode ${mode})`, async () => {
      await withRestMode(mode, async () => {
        const run = await gather(['--json', '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], 'WrongWrongWrongWrong1234')
        expect(run.code, run.stderr).to.equal(4)
        const {error} = run.json()
        expect(error.code).to.equal('wordpress_auth_rejected')
        expect(error.message).to.include(mode === 'on' ? 'rest_not_logged_in' : 'incorrect_password')
      })
    })
  }

  it('exits 4 for the login password, which Basic auth does not accept', async () => {
    const run = await gather(['--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], wp.WP_ADMIN_PASSWORD)
    expect(run.code, run.stderr).to.equal(4)
    expect(run.stderr).to.include('application password')
  })

  it('on a login-only REST API: exit 5 naming rest_not_logged_in anonymously, the seeded counts with credentials', async () => {
    await withRestMode('auth', async () => {
      const anonymous = await gather(['--json'])
      expect(anonymous.code, anonymous.stderr).to.equal(5)
      expect(anonymous.json().error).to.deep.include({code: 'wordpress_login_required'})
      expect(anonymous.json().error.message).to.include('rest_not_logged_in')

      const admin = await gather(['--json', '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], wp.WP_APP_PASSWORD)
      expect(admin.code, admin.stderr).to.equal(0)
      expect(counts(admin.json())).to.deep.equal(expected())

      const wrong = await gather(['--json', '--wp-user', wp.WP_ADMIN_USER, '--wp-app-password-stdin'], 'WrongWrongWrongWrong1234')
      expect(wrong.code, wrong.stderr).to.equal(4)
    })
  })

  it('exits 5 when the REST API is switched off (HTML everywhere)', async () => {
    await withRestMode('off', async () => {
      const run = await gather(['--json'])
      expect(run.code, run.stderr).to.equal(5)
      const {error} = run.json()
      expect(error.code).to.equal('wordpress_rest_unavailable')
      expect(error.message).to.include(`runs WordPress ${wp.WP_VERSION} but its REST API does not answer JSON`)
    })
  })

  it('exits 5 for a port nothing listens on, and 2 for an unknown slug', async () => {
    const refused = await runCli(['structure', 'gather', '--wp-url', 'http://127.0.0.1:9', '--json'])
    expect(refused.code).to.equal(5)
    expect(refused.json().error.code).to.equal('wordpress_unreachable')
    const unknown = await gather(['--enable', 'private_thing'])
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr).to.include('Unknown slug "private_thing"')
  })

  after(() => {
    const secrets = [wp?.WP_APP_PASSWORD, wp?.WP_SUBSCRIBER_APP_PASSWORD, wp?.WP_ADMIN_PASSWORD].filter(Boolean) as string[]
    for (const output of allOutputs) for (const secret of secrets) expect(output).to.not.include(secret)
  })
})
